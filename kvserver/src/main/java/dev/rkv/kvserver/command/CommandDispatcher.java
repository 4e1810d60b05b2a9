package dev.rkv.kvserver.command;

import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.repl.Replication;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Runs a parsed command for a client, with Redis 7.0's checks in Redis's order: existence,
 * arity, authentication, transaction rules, Pub/Sub context; then queues (MULTI) or executes.
 */
public final class CommandDispatcher {
    /** Commands that run immediately even inside MULTI. */
    private static final Set<String> MULTI_CONTROL = Set.of("exec", "discard", "multi", "watch", "quit", "reset");
    /** Commands a RESP2 client in subscribed state may still run. */
    private static final Set<String> PUBSUB_ALLOWED = Set.of("ping", "subscribe", "ssubscribe", "unsubscribe",
        "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset");

    private final ServerContext server;

    public CommandDispatcher(ServerContext server) {
        this.server = server;
    }

    /** Processes one command from the network. */
    public void dispatch(Client c, byte[][] argv) {
        if (argv.length == 0) {
            return;
        }
        if (Args.is(argv[0], "post") || Args.is(argv[0], "host:")) {
            // Someone is speaking HTTP to us (a browser tricked into cross-protocol scripting):
            // Redis drops such a client without a reply, after what it already answered.
            server.securityWarning(c);
            c.connection().closeAfterReply();
            return;
        }
        Replication repl = server.replication();
        if ((repl != null && repl.deferIfBlocked(c, argv)) || server.blocked().deferIfBlocked(c, argv)) {
            return;
        }
        if (c.kind() == ClientKind.REPLICA && !Args.is(argv[0], "replconf")) {
            // A replica's connection carries the stream to it; only its ACKs are read.
            return;
        }
        long now = server.nowMs();
        CommandSpec cmd = server.commands().lookup(argv[0]);
        if (cmd == null) {
            reject(c, unknownCommand(argv));
            return;
        }
        if (cmd.isContainer() && argv.length >= 2) {
            CommandSpec sub = cmd.subcommands().get(lower(argv[1]));
            if (sub == null) {
                reject(c, "ERR unknown subcommand '" + truncate(ascii(argv[1]), 128) + "'. Try "
                    + cmd.name().toUpperCase(Locale.ROOT) + " HELP.");
                return;
            }
            cmd = sub;
        }
        c.interacted(now, cmd.fullName());
        if (!cmd.arityMatches(argv.length)) {
            String error = "ERR wrong number of arguments for '" + cmd.fullName() + "' command";
            if (cmd.fullName().equals("exec")) {
                // Redis's rejectCommand -> execCommandAbort, in or out of MULTI: a rejected EXEC
                // ends the transaction it would have run.
                if (c.inMulti()) {
                    c.endMulti();
                }
                server.watches().unwatchAll(c);
                c.out().error("EXECABORT Transaction discarded because of: " + error.substring("ERR ".length()));
                server.stats().forCommand(cmd.fullName()).rejected();
                return;
            }
            reject(c, error);
            server.stats().forCommand(cmd.fullName()).rejected();
            return;
        }
        if (!c.authenticated() && !cmd.has(CommandFlag.NO_AUTH)) {
            reject(c, "NOAUTH Authentication required.");
            return;
        }
        if (c.kind() != ClientKind.PRIMARY && (cmd.has(CommandFlag.WRITE) || cmd.fullName().equals("ping"))
            && server.persistence() != null && server.persistence().refusesWrites()) {
            // Redis refuses writes (and PING, so monitoring notices) after a failed background
            // save while stop-writes-on-bgsave-error is on: acknowledged data could not be kept.
            reject(c, dev.rkv.kvserver.persist.Persistence.MISCONF_ERROR);
            return;
        }
        if (c.kind() != ClientKind.PRIMARY && repl != null && repl.tooFewGoodReplicas()
            && writes(c, cmd, CommandFlag.WRITE)) {
            // min-replicas-to-write: Redis's checkGoodReplicasStatus, after MISCONF, before READONLY.
            reject(c, "NOREPLICAS Not enough good replicas to write.");
            return;
        }
        if (cmd.has(CommandFlag.WRITE) && c.kind() != ClientKind.PRIMARY && repl != null && repl.isReplica()
            && server.config().getBool("replica-read-only")) {
            reject(c, "READONLY You can't write against a read only replica.");
            return;
        }
        if (!cmd.has(CommandFlag.STALE) && c.kind() != ClientKind.PRIMARY && repl != null && repl.isReplica()
            && !repl.linkUp() && !server.config().getBool("replica-serve-stale-data")) {
            reject(c, "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
            return;
        }
        String root = rootName(cmd);
        if (c.inMulti() && cmd.has(CommandFlag.NO_MULTI)) {
            reject(c, "ERR Command not allowed inside a transaction");
            return;
        }
        if (c.inPubSubContext() && !PUBSUB_ALLOWED.contains(root)) {
            reject(c, "ERR Can't execute '" + cmd.fullName()
                + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        if (repl != null && repl.failingOver() && writes(c, cmd, CommandFlag.WRITE, CommandFlag.MAY_REPLICATE)
            && repl.holdIfPaused(c, argv)) {
            // FAILOVER pauses writes until it ends, as Redis postpones them (CLIENT_PAUSE_WRITE).
            return;
        }
        if (c.inMulti() && !MULTI_CONTROL.contains(root)) {
            c.queue(argv);
            c.out().raw(Replies.QUEUED);
            return;
        }
        server.pubsub().holdFor(c);
        try {
            execute(c, cmd, argv);
        } finally {
            server.pubsub().releaseHeld();
        }
        // Keys this command pushed to may wake clients blocked on them (BLPOP ...).
        server.blocked().serveReady();
    }

    /** Executes a resolved command now: used by dispatch and by EXEC for queued commands. */
    public void execute(Client c, CommandSpec cmd, byte[][] argv) {
        ServerStats stats = server.stats();
        long errorsBefore = stats.errorReplies;
        long start = System.nanoTime();
        long encodedBefore = c.output().encoded();
        try {
            cmd.handler().execute(c, argv);
        } catch (Throwable t) {
            // A bug in one command must cost that command only, never the event loop that every
            // client shares (an Error escaping here used to end the loop for good).
            CommandFailure.answer(server, c, cmd, t, c.output().encoded() != encodedBefore);
        }
        stats.commandsProcessed++;
        CommandStats cs = stats.forCommand(cmd.fullName());
        cs.record((System.nanoTime() - start) / 1000);
        // Failed: it replied an error itself (errors of commands it ran, as EXEC does, count for those).
        if (stats.errorReplies > Math.max(errorsBefore, stats.errorsAtLastCallEnd)) {
            cs.failed();
        }
        stats.errorsAtLastCallEnd = stats.errorReplies;
        server.monitors().feed(server, c, cmd, argv);
    }

    /**
     * Whether the command has one of {@code flags}, or is an EXEC whose queued commands have one
     * (Redis judges a transaction by the flags it collected while queueing).
     */
    private boolean writes(Client c, CommandSpec cmd, CommandFlag... flags) {
        for (CommandFlag f : flags) {
            if (cmd.has(f)) {
                return true;
            }
        }
        if (!cmd.fullName().equals("exec") || !c.inMulti()) {
            return false;
        }
        for (byte[][] queued : c.queued()) {
            CommandSpec q = resolve(queued);
            for (CommandFlag f : flags) {
                if (q != null && q.has(f)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Resolves a queued command line to its spec (for EXEC), or null when unknown. */
    public CommandSpec resolve(byte[][] argv) {
        CommandSpec cmd = server.commands().lookup(argv[0]);
        if (cmd != null && cmd.isContainer() && argv.length >= 2) {
            cmd = cmd.subcommands().get(lower(argv[1]));
        }
        return cmd;
    }

    private void reject(Client c, String error) {
        if (c.inMulti()) {
            c.flagExecAbort();
        }
        c.out().error(error);
        server.stats().errorsAtLastCallEnd = server.stats().errorReplies;
    }

    private static String rootName(CommandSpec cmd) {
        String full = cmd.fullName();
        int bar = full.indexOf('|');
        return bar < 0 ? full : full.substring(0, bar);
    }

    static String unknownCommand(byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            int room = 128 - args.length(); // Redis's "'%.*s' " with 128 - sdslen(args)
            args.append('\'').append(truncate(ascii(argv[i]), room)).append("' ");
        }
        return "ERR unknown command '" + truncate(ascii(argv[0]), 128) + "', with args beginning with: " + args;
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String lower(byte[] b) {
        return ascii(b).toLowerCase(Locale.ROOT);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max));
    }
}
