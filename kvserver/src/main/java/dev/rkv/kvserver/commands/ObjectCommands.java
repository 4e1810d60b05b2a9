package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.store.EncodedValue;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.StringEncoding;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.kvserver.util.Numbers;

import static dev.rkv.kvserver.command.CommandFlag.LOADING;
import static dev.rkv.kvserver.command.CommandFlag.READONLY;
import static dev.rkv.kvserver.command.CommandFlag.STALE;
import static dev.rkv.kvserver.command.CommandSpec.command;

/**
 * OBJECT (object.c): ENCODING FREQ IDLETIME REFCOUNT HELP, introspection of the value behind a
 * key. Lookups do not touch the key's access time.
 */
public final class ObjectCommands {
    private static final String LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency "
        + "not tracked. Please note that when switching between policies at runtime LRU and LFU data will take "
        + "some time to adjust.";
    private static final String LFU_SELECTED = "ERR An LFU maxmemory policy is selected, idle time not tracked. "
        + "Please note that when switching between policies at runtime LRU and LFU data will take some time to "
        + "adjust.";
    private static final String[] HELP = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    };
    /** Redis shares integer objects 0..9999 and reports them with this refcount (OBJ_SHARED_REFCOUNT). */
    private static final int SHARED_INTEGERS = 10000;
    private static final int SHARED_REFCOUNT = Integer.MAX_VALUE;

    private ObjectCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("object", -2).group("generic").since("2.2.3")
            .summary("A container for object introspection commands")
            .subcommand(command("encoding", 3).flags(READONLY).keys(2, 2, 1).keySpecFlags("RO")
                .tips("nondeterministic_output").since("2.2.3")
                .summary("Inspect the internal encoding of a Redis object").handler(ObjectCommands::encoding))
            .subcommand(command("freq", 3).flags(READONLY).keys(2, 2, 1).keySpecFlags("RO")
                .tips("nondeterministic_output").since("4.0.0")
                .summary("Get the logarithmic access frequency counter of a Redis object")
                .handler(ObjectCommands::freq))
            .subcommand(command("idletime", 3).flags(READONLY).keys(2, 2, 1).keySpecFlags("RO")
                .tips("nondeterministic_output").since("2.2.3")
                .summary("Get the time since a Redis object was last accessed").handler(ObjectCommands::idletime))
            .subcommand(command("refcount", 3).flags(READONLY).keys(2, 2, 1).keySpecFlags("RO")
                .tips("nondeterministic_output").since("2.2.3")
                .summary("Get the number of references to the value of the key").handler(ObjectCommands::refcount))
            .subcommand(command("help", 2).flags(LOADING, STALE).since("6.2.0")
                .summary("Show helpful text about the different subcommands").handler(ObjectCommands::help))
            .build());
    }

    // OBJECT ENCODING key
    private static void encoding(Client c, byte[][] argv) {
        Entry e = KeyAccess.lookupQuietly(c, Args.key(argv[2]));
        if (e == null) {
            c.out().nullBulk();
            return;
        }
        c.out().bulk(encodingName(e));
    }

    /**
     * OBJECT ENCODING's name: strings know theirs, other values may say ({@link EncodedValue}),
     * else Redis's general-purpose encoding of the type.
     */
    static String encodingName(Entry e) {
        if (e.type() == ValueType.STRING && e.encoding() != null) {
            return e.encoding().encodingName();
        }
        if (e.value() instanceof EncodedValue v) {
            return v.encodingName();
        }
        return switch (e.type()) {
            case STRING -> StringEncoding.of(e.bytes()).encodingName();
            case LIST -> "quicklist";
            case SET, HASH -> "hashtable";
            case ZSET -> "skiplist";
            case STREAM -> "stream";
        };
    }

    // OBJECT REFCOUNT key
    private static void refcount(Client c, byte[][] argv) {
        Entry e = KeyAccess.lookupQuietly(c, Args.key(argv[2]));
        if (e == null) {
            c.out().nullBulk();
            return;
        }
        c.out().integer(isSharedInteger(c.server(), e) ? SHARED_REFCOUNT : 1);
    }

    /** Whether Redis would hold this value as one of its shared integers 0..9999. */
    private static boolean isSharedInteger(ServerContext server, Entry e) {
        if (e.type() != ValueType.STRING || e.encoding() != StringEncoding.INT) {
            return false;
        }
        String policy = server.config().getString("maxmemory-policy");
        if (server.config().getLong("maxmemory") != 0 && (policy.contains("lru") || policy.contains("lfu"))) {
            return false;
        }
        Long v = Numbers.parseLongStrict(e.bytes());
        return v != null && v >= 0 && v < SHARED_INTEGERS;
    }

    // OBJECT IDLETIME key
    private static void idletime(Client c, byte[][] argv) {
        Entry e = KeyAccess.lookupQuietly(c, Args.key(argv[2]));
        if (e == null) {
            c.out().nullBulk();
            return;
        }
        if (lfuPolicy(c.server())) {
            c.out().error(LFU_SELECTED);
            return;
        }
        c.out().integer(Math.max(0, c.server().nowMs() - e.lastAccessMs()) / 1000);
    }

    // OBJECT FREQ key
    private static void freq(Client c, byte[][] argv) {
        Entry e = KeyAccess.lookupQuietly(c, Args.key(argv[2]));
        if (e == null) {
            c.out().nullBulk();
            return;
        }
        if (!lfuPolicy(c.server())) {
            c.out().error(LFU_NOT_SELECTED);
            return;
        }
        c.out().integer(lfuCounter(e.accessCount()));
    }

    /**
     * Redis's 8-bit logarithmic LFU counter (lfu-log-factor 10, initial value 5) for an access
     * count, deterministically: the counter grows by one each time the accesses pass the expected
     * number of hits Redis's probabilistic increment needs at that counter value.
     */
    static int lfuCounter(long accesses) {
        int counter = 5;
        double needed = 0;
        while (counter < 255) {
            needed += (counter - 5) * 10.0 + 1;
            if (accesses < needed) {
                break;
            }
            counter++;
        }
        return counter;
    }

    private static boolean lfuPolicy(ServerContext server) {
        return server.config().getString("maxmemory-policy").contains("lfu");
    }

    // OBJECT HELP
    private static void help(Client c, byte[][] argv) {
        c.out().array(HELP.length);
        for (String line : HELP) {
            c.out().simple(line);
        }
    }
}
