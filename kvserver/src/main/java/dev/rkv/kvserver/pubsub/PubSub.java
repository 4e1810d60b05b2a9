package dev.rkv.kvserver.pubsub;

import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.util.Glob;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Channel and pattern subscriptions. Channel names are kept as ISO-8859-1 strings, which map
 * bytes one to one, so they stay binary-safe. Owned by the event loop thread.
 */
public final class PubSub {
    private final Map<String, Set<Client>> channels = new LinkedHashMap<>();
    private final Map<String, Set<Client>> patterns = new LinkedHashMap<>();
    private final Map<String, Set<Client>> shardChannels = new LinkedHashMap<>();

    public static String name(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** @return true when newly subscribed */
    public boolean subscribe(Client c, String channel) {
        if (!c.channels().add(channel)) {
            return false;
        }
        channels.computeIfAbsent(channel, k -> new LinkedHashSet<>()).add(c);
        return true;
    }

    public boolean unsubscribe(Client c, String channel) {
        if (!c.channels().remove(channel)) {
            return false;
        }
        removeFrom(channels, channel, c);
        return true;
    }

    public boolean psubscribe(Client c, String pattern) {
        if (!c.patterns().add(pattern)) {
            return false;
        }
        patterns.computeIfAbsent(pattern, k -> new LinkedHashSet<>()).add(c);
        return true;
    }

    public boolean punsubscribe(Client c, String pattern) {
        if (!c.patterns().remove(pattern)) {
            return false;
        }
        removeFrom(patterns, pattern, c);
        return true;
    }

    /** SSUBSCRIBE: shard channels are a namespace of their own. @return true when newly subscribed */
    public boolean ssubscribe(Client c, String channel) {
        if (!c.shardChannels().add(channel)) {
            return false;
        }
        shardChannels.computeIfAbsent(channel, k -> new LinkedHashSet<>()).add(c);
        return true;
    }

    public boolean sunsubscribe(Client c, String channel) {
        if (!c.shardChannels().remove(channel)) {
            return false;
        }
        removeFrom(shardChannels, channel, c);
        return true;
    }

    /** SPUBLISH: delivers an "smessage" to the shard channel's subscribers; returns how many got it. */
    public int spublish(String channel, byte[] message) {
        Set<Client> subs = shardChannels.get(channel);
        if (subs == null) {
            return 0;
        }
        byte[] channelBytes = bytes(channel);
        for (Client c : subs) {
            c.output().push(3).bulk("smessage").bulk(channelBytes).bulk(message);
            c.connection().requestFlush();
        }
        return subs.size();
    }

    public Map<String, Set<Client>> shardChannels() {
        return Collections.unmodifiableMap(shardChannels);
    }

    private static void removeFrom(Map<String, Set<Client>> map, String name, Client c) {
        Set<Client> s = map.get(name);
        if (s != null) {
            s.remove(c);
            if (s.isEmpty()) {
                map.remove(name);
            }
        }
    }

    /** Drops every subscription of a closing client. */
    public void forget(Client c) {
        for (String ch : c.channels()) {
            removeFrom(channels, ch, c);
        }
        for (String p : c.patterns()) {
            removeFrom(patterns, p, c);
        }
        for (String ch : c.shardChannels()) {
            removeFrom(shardChannels, ch, c);
        }
        c.channels().clear();
        c.patterns().clear();
        c.shardChannels().clear();
    }

    /** Delivers a message; returns the number of clients that received it (PUBLISH's reply). */
    public int publish(String channel, byte[] message) {
        int receivers = 0;
        byte[] channelBytes = bytes(channel);
        Set<Client> subs = channels.get(channel);
        if (subs != null) {
            for (Client c : subs) {
                c.output().push(3).bulk("message").bulk(channelBytes).bulk(message);
                c.connection().requestFlush();
                receivers++;
            }
        }
        for (Map.Entry<String, Set<Client>> e : patterns.entrySet()) {
            if (Glob.matches(bytes(e.getKey()), channelBytes, false)) {
                for (Client c : e.getValue()) {
                    c.output().push(4).bulk("pmessage").bulk(bytes(e.getKey())).bulk(channelBytes).bulk(message);
                    c.connection().requestFlush();
                    receivers++;
                }
            }
        }
        return receivers;
    }

    public Map<String, Set<Client>> channels() {
        return Collections.unmodifiableMap(channels);
    }

    public Map<String, Set<Client>> patterns() {
        return Collections.unmodifiableMap(patterns);
    }
}
