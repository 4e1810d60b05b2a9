package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.pubsub.PubSub;
import dev.rkv.kvserver.util.Glob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.rkv.kvserver.command.CommandFlag.FAST;
import static dev.rkv.kvserver.command.CommandFlag.LOADING;
import static dev.rkv.kvserver.command.CommandFlag.NOSCRIPT;
import static dev.rkv.kvserver.command.CommandFlag.PUBSUB;
import static dev.rkv.kvserver.command.CommandFlag.STALE;
import static dev.rkv.kvserver.command.CommandSpec.command;

/**
 * Pub/Sub: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH, the shard channel variants
 * SSUBSCRIBE SUNSUBSCRIBE SPUBLISH (one shard in a standalone server), PUBSUB. Confirmations and
 * messages are RESP3 pushes, or plain arrays for RESP2 clients, as Redis 7.0 sends them.
 */
public final class PubSubCommands {
    private static final byte[] PUBLISH = Args.bytes("PUBLISH");
    private static final byte[] SPUBLISH = Args.bytes("SPUBLISH");
    private static final List<String> HELP = List.of(
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.");

    private PubSubCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("subscribe", -2).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub")
            .summary("Listen for messages published to the given channels").since("2.0.0")
            .handler(PubSubCommands::subscribe).build());
        t.register(command("unsubscribe", -1).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub")
            .summary("Stop listening for messages posted to the given channels").since("2.0.0")
            .handler(PubSubCommands::unsubscribe).build());
        t.register(command("psubscribe", -2).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub")
            .summary("Listen for messages published to channels matching the given patterns").since("2.0.0")
            .handler(PubSubCommands::psubscribe).build());
        t.register(command("punsubscribe", -1).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub")
            .summary("Stop listening for messages posted to channels matching the given patterns").since("2.0.0")
            .handler(PubSubCommands::punsubscribe).build());
        t.register(command("publish", 3).flags(PUBSUB, LOADING, STALE, FAST).group("pubsub")
            .summary("Post a message to a channel").since("2.0.0").handler(PubSubCommands::publish).build());
        t.register(command("ssubscribe", -2).flags(PUBSUB, NOSCRIPT, LOADING, STALE).keys(1, -1, 1)
            .keySpecFlags("not_key").group("pubsub").summary("Listen for messages published to the given shard channels")
            .since("7.0.0").handler(PubSubCommands::ssubscribe).build());
        t.register(command("sunsubscribe", -1).flags(PUBSUB, NOSCRIPT, LOADING, STALE).keys(1, -1, 1)
            .keySpecFlags("not_key").group("pubsub").summary("Stop listening for messages posted to the given shard "
                + "channels").since("7.0.0").handler(PubSubCommands::sunsubscribe).build());
        t.register(command("spublish", 3).flags(PUBSUB, LOADING, STALE, FAST).keys(1, 1, 1).keySpecFlags("not_key")
            .group("pubsub").summary("Post a message to a shard channel").since("7.0.0")
            .handler(PubSubCommands::spublish).build());
        t.register(command("pubsub", -2).group("pubsub").summary("A container for Pub/Sub commands").since("2.8.0")
            .subcommand(command("channels", -2).flags(PUBSUB, LOADING, STALE).group("pubsub")
                .summary("List active channels").since("2.8.0").handler(PubSubCommands::channels))
            .subcommand(command("numsub", -2).flags(PUBSUB, LOADING, STALE).group("pubsub")
                .summary("Get the count of subscribers for channels").since("2.8.0").handler(PubSubCommands::numsub))
            .subcommand(command("numpat", 2).flags(PUBSUB, LOADING, STALE).group("pubsub")
                .summary("Get the count of unique patterns pattern subscriptions").since("2.8.0")
                .handler((c, argv) -> c.out().integer(c.server().pubsub().patterns().size())))
            .subcommand(command("shardchannels", -2).flags(PUBSUB, LOADING, STALE).group("pubsub")
                .summary("List active shard channels").since("7.0.0").handler(PubSubCommands::shardchannels))
            .subcommand(command("shardnumsub", -2).flags(PUBSUB, LOADING, STALE).group("pubsub")
                .summary("Get the count of subscribers for shard channels").since("7.0.0")
                .handler(PubSubCommands::shardnumsub))
            .subcommand(command("help", 2).flags(LOADING, STALE).group("pubsub").acl().summary("Show helpful text about the "
                + "different subcommands").since("6.2.0").handler((c, argv) -> Help.reply(c, HELP)))
            .build());
    }

    // SUBSCRIBE channel [channel ...]
    private static void subscribe(Client c, byte[][] argv) {
        for (int i = 1; i < argv.length; i++) {
            c.server().pubsub().subscribe(c, PubSub.name(argv[i]));
            confirm(c, "subscribe", argv[i]);
        }
    }

    // PSUBSCRIBE pattern [pattern ...]
    private static void psubscribe(Client c, byte[][] argv) {
        for (int i = 1; i < argv.length; i++) {
            c.server().pubsub().psubscribe(c, PubSub.name(argv[i]));
            confirm(c, "psubscribe", argv[i]);
        }
    }

    // UNSUBSCRIBE [channel [channel ...]]
    private static void unsubscribe(Client c, byte[][] argv) {
        unsubscribeGeneric(c, argv, false);
    }

    // PUNSUBSCRIBE [pattern [pattern ...]]
    private static void punsubscribe(Client c, byte[][] argv) {
        unsubscribeGeneric(c, argv, true);
    }

    /** Without arguments: from every channel (pattern), or one confirmation with a null name when there is none. */
    private static void unsubscribeGeneric(Client c, byte[][] argv, boolean patterns) {
        PubSub pubsub = c.server().pubsub();
        String kind = patterns ? "punsubscribe" : "unsubscribe";
        List<byte[]> names = new ArrayList<>();
        if (argv.length == 1) {
            for (String n : patterns ? c.patterns() : c.channels()) {
                names.add(PubSub.bytes(n));
            }
            if (names.isEmpty()) {
                c.output().push(3).bulk(kind).nullBulk().integer(c.subscriptionCount());
                return;
            }
        } else {
            for (int i = 1; i < argv.length; i++) {
                names.add(argv[i]);
            }
        }
        for (byte[] n : names) {
            if (patterns) {
                pubsub.punsubscribe(c, PubSub.name(n));
            } else {
                pubsub.unsubscribe(c, PubSub.name(n));
            }
            confirm(c, kind, n);
        }
    }

    private static void confirm(Client c, String kind, byte[] name) {
        c.output().push(3).bulk(kind).bulk(name).integer(c.subscriptionCount());
    }

    // PUBLISH channel message
    private static void publish(Client c, byte[][] argv) {
        c.out().integer(c.server().pubsub().publish(PubSub.name(argv[1]), argv[2]));
        // Replicas deliver it to their own subscribers, as Redis's forceCommandPropagation does.
        c.server().propagateWithoutChange(c.dbIndex(), PUBLISH, argv[1], argv[2]);
    }

    // SSUBSCRIBE shardchannel [shardchannel ...]
    private static void ssubscribe(Client c, byte[][] argv) {
        for (int i = 1; i < argv.length; i++) {
            c.server().pubsub().ssubscribe(c, PubSub.name(argv[i]));
            c.output().push(3).bulk("ssubscribe").bulk(argv[i]).integer(c.shardChannels().size());
        }
    }

    // SUNSUBSCRIBE [shardchannel [shardchannel ...]]
    private static void sunsubscribe(Client c, byte[][] argv) {
        List<byte[]> names = new ArrayList<>();
        if (argv.length == 1) {
            for (String n : c.shardChannels()) {
                names.add(PubSub.bytes(n));
            }
            if (names.isEmpty()) {
                c.output().push(3).bulk("sunsubscribe").nullBulk().integer(0);
                return;
            }
        } else {
            names.addAll(Arrays.asList(argv).subList(1, argv.length));
        }
        for (byte[] n : names) {
            c.server().pubsub().sunsubscribe(c, PubSub.name(n));
            c.output().push(3).bulk("sunsubscribe").bulk(n).integer(c.shardChannels().size());
        }
    }

    // SPUBLISH shardchannel message
    private static void spublish(Client c, byte[][] argv) {
        c.out().integer(c.server().pubsub().spublish(PubSub.name(argv[1]), argv[2]));
        c.server().propagateWithoutChange(c.dbIndex(), SPUBLISH, argv[1], argv[2]);
    }

    // PUBSUB CHANNELS [pattern]
    private static void channels(Client c, byte[][] argv) {
        channelsGeneric(c, argv, c.server().pubsub().channels().keySet());
    }

    /** Active channels (or shard channels) matching the optional pattern. */
    private static void channelsGeneric(Client c, byte[][] argv, Set<String> active) {
        if (argv.length > 3) {
            subcommandSyntaxError(c, argv);
            return;
        }
        byte[] pattern = argv.length == 3 ? argv[2] : null;
        List<String> matching = new ArrayList<>();
        for (String ch : active) {
            if (pattern == null || Glob.matches(pattern, PubSub.bytes(ch), false)) {
                matching.add(ch);
            }
        }
        c.out().array(matching.size());
        for (String ch : matching) {
            c.out().bulk(PubSub.bytes(ch));
        }
    }

    // PUBSUB NUMSUB [channel ...]
    private static void numsub(Client c, byte[][] argv) {
        numsubGeneric(c, argv, c.server().pubsub().channels());
    }

    private static void numsubGeneric(Client c, byte[][] argv, Map<String, Set<Client>> subscribers) {
        c.out().array((argv.length - 2) * 2);
        for (int i = 2; i < argv.length; i++) {
            Set<Client> subs = subscribers.get(PubSub.name(argv[i]));
            c.out().bulk(argv[i]).integer(subs == null ? 0 : subs.size());
        }
    }

    // PUBSUB SHARDCHANNELS [pattern]
    private static void shardchannels(Client c, byte[][] argv) {
        channelsGeneric(c, argv, c.server().pubsub().shardChannels().keySet());
    }

    // PUBSUB SHARDNUMSUB [shardchannel ...]
    private static void shardnumsub(Client c, byte[][] argv) {
        numsubGeneric(c, argv, c.server().pubsub().shardChannels());
    }

    private static void subcommandSyntaxError(Client c, byte[][] argv) {
        c.out().error("ERR unknown subcommand or wrong number of arguments for '" + Help.ascii(argv[1]) + "'. Try "
            + Help.ascii(argv[0]).toUpperCase(Locale.ROOT) + " HELP.");
    }
}
