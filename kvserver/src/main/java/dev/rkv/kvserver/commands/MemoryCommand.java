package dev.rkv.kvserver.commands;

import static dev.rkv.kvserver.command.CommandFlag.LOADING;
import static dev.rkv.kvserver.command.CommandFlag.READONLY;
import static dev.rkv.kvserver.command.CommandFlag.STALE;
import static dev.rkv.kvserver.command.CommandSpec.command;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * MEMORY (object.c's memoryCommand): USAGE STATS DOCTOR MALLOC-STATS PURGE HELP, with Redis 7.0's
 * reply shapes and errors. The numbers are rkv's: the JVM heap stands in for the allocator, and
 * per-object sizes are estimates (see {@link MemoryOverhead} and {@code Entry.memoryUsage}).
 */
public final class MemoryCommand {
    /** Elements of a collection MEMORY USAGE looks at unless told otherwise, as in Redis. */
    private static final long DEFAULT_SAMPLES = 5;
    /** Below this much data a report would be about the JVM's own start-up, not the dataset. */
    private static final long TOO_LITTLE_FOR_A_DOCTOR = 5L * 1024 * 1024;
    private static final List<String> HELP = List.of(
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Report anything odd about how the server uses memory, in plain words.",
        "MALLOC-STATS",
        "    Show the JVM's memory pools and collectors (rkv's stand-in for the allocator).",
        "PURGE",
        "    Accepted for compatibility; the JVM returns unused heap by itself.",
        "STATS",
        "    Show where the server's memory goes, field by field.",
        "USAGE <key> [SAMPLES <count>]",
        "    Estimate the bytes held by <key> and its value. Big collections are estimated",
        "    from <count> of their elements (5 by default; 0 counts them all).",
        "HELP",
        "    Print this help.");

    private MemoryCommand() {
    }

    public static void register(CommandTable t) {
        t.register(command("memory", -2).group("server").since("4.0.0")
            .summary("A container for memory diagnostics commands")
            .subcommand(command("doctor", 2).tips("nondeterministic_output", "request_policy:all_shards",
                    "response_policy:special").group("server").since("4.0.0")
                .summary("Outputs memory problems report").handler(MemoryCommand::doctor))
            .subcommand(command("malloc-stats", 2).tips("nondeterministic_output", "request_policy:all_shards",
                    "response_policy:special").group("server").since("4.0.0")
                .summary("Show allocator internal stats").handler(MemoryCommand::mallocStats))
            .subcommand(command("purge", 2).tips("request_policy:all_shards", "response_policy:all_succeeded")
                .group("server").since("4.0.0")
                .summary("Ask the allocator to release memory").handler((c, argv) -> c.out().raw(Replies.OK)))
            .subcommand(command("stats", 2).tips("nondeterministic_output", "request_policy:all_shards",
                    "response_policy:special").group("server").since("4.0.0")
                .summary("Show memory usage details").handler(MemoryCommand::stats))
            .subcommand(command("usage", -3).flags(READONLY).keys(2, 2, 1).keySpecFlags("RO").group("server")
                .since("4.0.0").summary("Estimate the memory usage of a key").handler(MemoryCommand::usage))
            .subcommand(command("help", 2).flags(LOADING, STALE).group("server").since("4.0.0")
                .summary("Show helpful text about the different subcommands").handler((c, argv) -> Help.reply(c, HELP)))
            .build());
    }

    // MEMORY USAGE key [SAMPLES count]
    private static void usage(Client c, byte[][] argv) {
        long samples = DEFAULT_SAMPLES;
        for (int j = 3; j < argv.length; j++) {
            if (!Args.is(argv[j], "samples") || j + 1 >= argv.length) {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
            Long n = Args.longOrReply(c, argv[++j]);
            if (n == null) {
                return;
            }
            if (n < 0) {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
            samples = n;
        }
        // As Redis's dbFind: no expiry check, no statistics, no keyspace event; looking is not using.
        Key key = Args.key(argv[2]);
        Entry e = c.db().peek(key);
        if (e == null) {
            c.out().nullBulk();
            return;
        }
        c.out().integer(MemoryOverhead.PER_KEY + 16 + key.length() + e.memoryUsage(samples));
    }

    // MEMORY STATS
    private static void stats(Client c, byte[][] argv) {
        MemoryOverhead m = MemoryOverhead.measure(c.server());
        long allocated = m.total();
        long active = Math.max(m.committed(), allocated);
        c.out().map(27 + m.dbs().size());
        c.out().bulk("peak.allocated").integer(m.peak());
        c.out().bulk("total.allocated").integer(m.total());
        c.out().bulk("startup.allocated").integer(m.startup());
        c.out().bulk("replication.backlog").integer(m.backlog());
        c.out().bulk("clients.slaves").integer(m.replicaBuffers());
        c.out().bulk("clients.normal").integer(m.clientBuffers());
        // rkv has no cluster bus, append only file, Lua or functions: they take nothing.
        c.out().bulk("cluster.links").integer(0);
        c.out().bulk("aof.buffer").integer(0);
        c.out().bulk("lua.caches").integer(0);
        c.out().bulk("functions.caches").integer(0);
        for (MemoryOverhead.DbOverhead d : m.dbs()) {
            c.out().bulk("db." + d.index()).map(3);
            c.out().bulk("overhead.hashtable.main").integer(d.main());
            c.out().bulk("overhead.hashtable.expires").integer(0);
            c.out().bulk("overhead.hashtable.slot-to-keys").integer(d.slotMaps());
        }
        c.out().bulk("overhead.total").integer(m.overheadTotal());
        c.out().bulk("keys.count").integer(m.keys());
        c.out().bulk("keys.bytes-per-key").integer(m.bytesPerKey());
        c.out().bulk("dataset.bytes").integer(m.dataset());
        c.out().bulk("dataset.percentage").doubleValue(m.datasetPercentage());
        c.out().bulk("peak.percentage").doubleValue(m.peakPercentage());
        // The allocator's three levels, in JVM terms: heap in use, heap committed, resident set.
        c.out().bulk("allocator.allocated").integer(allocated);
        c.out().bulk("allocator.active").integer(active);
        c.out().bulk("allocator.resident").integer(m.rss());
        c.out().bulk("allocator-fragmentation.ratio").doubleValue(ratio(active, allocated));
        c.out().bulk("allocator-fragmentation.bytes").integer(active - allocated);
        c.out().bulk("allocator-rss.ratio").doubleValue(ratio(m.rss(), active));
        c.out().bulk("allocator-rss.bytes").integer(m.rss() - active);
        c.out().bulk("rss-overhead.ratio").doubleValue(1.0);
        c.out().bulk("rss-overhead.bytes").integer(0);
        c.out().bulk("fragmentation").doubleValue(m.fragmentation());
        c.out().bulk("fragmentation.bytes").integer(m.rss() - allocated);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    // MEMORY DOCTOR
    private static void doctor(Client c, byte[][] argv) {
        c.out().verbatim(MemoryDoctor.report(MemoryOverhead.measure(c.server()), TOO_LITTLE_FOR_A_DOCTOR));
    }

    // MEMORY MALLOC-STATS
    private static void mallocStats(Client c, byte[][] argv) {
        StringBuilder b = new StringBuilder("___ JVM memory pools (rkv has no malloc of its own) ___\n");
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getUsage();
            b.append(pool.getName()).append(" (").append(pool.getType()).append("): used=").append(u.getUsed())
                .append(" committed=").append(u.getCommitted()).append(" max=").append(u.getMax()).append('\n');
        }
        b.append("___ Garbage collectors ___\n");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            b.append(gc.getName()).append(": collections=").append(gc.getCollectionCount())
                .append(" time_ms=").append(gc.getCollectionTime()).append('\n');
        }
        Runtime rt = Runtime.getRuntime();
        b.append("heap: used=").append(rt.totalMemory() - rt.freeMemory()).append(" committed=").append(rt.totalMemory())
            .append(" max=").append(rt.maxMemory()).append('\n');
        c.out().verbatim(b.toString());
    }
}
