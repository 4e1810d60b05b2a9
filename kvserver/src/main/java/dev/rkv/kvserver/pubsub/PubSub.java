package dev.rkv.kvserver.pubsub;

import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.util.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
    /** The client whose command is running, whose keyspace events wait for its reply; null between commands. */
    private Client holder;
    private final List<HeldPush> held = new ArrayList<>();

    /** A message for {@link #holder}, kept until its command has replied; {@code pattern} null for a channel message. */
    private record HeldPush(byte[] pattern, byte[] channel, byte[] message) {
    }

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

    /**
     * Starts a command of {@code c}: keyspace events it causes that {@code c} itself subscribed
     * to are held until {@link #releaseHeld}, after its reply, so that they never land inside
     * the reply (an EXEC's array, a popped range), as Redis 7.2 orders them. Redis 7.0 wrote
     * them wherever the event happened, sometimes between a reply's elements.
     */
    public void holdFor(Client c) {
        holder = c;
    }

    /** Ends the command {@link #holdFor} began: delivers what was held for its client. */
    public void releaseHeld() {
        Client c = holder;
        holder = null;
        if (held.isEmpty()) {
            return;
        }
        for (HeldPush p : held) {
            if (p.pattern() == null) {
                deliver(c, p.channel(), p.message());
            } else {
                deliver(c, p.pattern(), p.channel(), p.message());
            }
        }
        held.clear();
    }

    /** Drops every subscription of a closing client. */
    public void forget(Client c) {
        if (c == holder) {
            held.clear();
            holder = null;
        }
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
        return publish(channel, message, false);
    }

    /**
     * Delivers a keyspace event: as {@link #publish}, but the client whose command caused it gets
     * it after its reply (see {@link #holdFor}).
     */
    public void publishKeyspaceEvent(String channel, byte[] message) {
        publish(channel, message, true);
    }

    private int publish(String channel, byte[] message, boolean holdForRunningClient) {
        int receivers = 0;
        byte[] channelBytes = bytes(channel);
        Set<Client> subs = channels.get(channel);
        if (subs != null) {
            for (Client c : subs) {
                if (holdForRunningClient && c == holder) {
                    held.add(new HeldPush(null, channelBytes, message));
                } else {
                    deliver(c, channelBytes, message);
                }
                receivers++;
            }
        }
        for (Map.Entry<String, Set<Client>> e : patterns.entrySet()) {
            byte[] pattern = bytes(e.getKey());
            if (Glob.matches(pattern, channelBytes, false)) {
                for (Client c : e.getValue()) {
                    if (holdForRunningClient && c == holder) {
                        held.add(new HeldPush(pattern, channelBytes, message));
                    } else {
                        deliver(c, pattern, channelBytes, message);
                    }
                    receivers++;
                }
            }
        }
        return receivers;
    }

    private static void deliver(Client c, byte[] channel, byte[] message) {
        c.output().push(3).bulk("message").bulk(channel).bulk(message);
        c.connection().requestFlush();
    }

    private static void deliver(Client c, byte[] pattern, byte[] channel, byte[] message) {
        c.output().push(4).bulk("pmessage").bulk(pattern).bulk(channel).bulk(message);
        c.connection().requestFlush();
    }

    public Map<String, Set<Client>> channels() {
        return Collections.unmodifiableMap(channels);
    }

    public Map<String, Set<Client>> patterns() {
        return Collections.unmodifiableMap(patterns);
    }
}
