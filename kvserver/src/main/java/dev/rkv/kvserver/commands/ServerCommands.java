package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.ClientKind;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.info.sections.StandardInfo;
import dev.rkv.kvserver.store.DatasetDigest;
import dev.rkv.kvserver.persist.Persistence;
import dev.rkv.kvserver.protocol.Replies;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.rkv.kvserver.command.CommandFlag.ADMIN;
import static dev.rkv.kvserver.command.CommandFlag.ALLOW_BUSY;
import static dev.rkv.kvserver.command.CommandFlag.FAST;
import static dev.rkv.kvserver.command.CommandFlag.LOADING;
import static dev.rkv.kvserver.command.CommandFlag.NOSCRIPT;
import static dev.rkv.kvserver.command.CommandFlag.NO_MULTI;
import static dev.rkv.kvserver.command.CommandFlag.STALE;
import static dev.rkv.kvserver.command.CommandSpec.command;

/** Server commands: INFO TIME LASTSAVE SHUTDOWN DEBUG. */
public final class ServerCommands {
    private static final List<String> DEBUG_HELP = List.of(
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DIGEST",
        "    Output a hex signature representing the current DB content.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        "HELP",
        "    Prints this help.");

    private ServerCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("info", -1).flags(LOADING, STALE).group("server").acl("dangerous")
            .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
            .summary("Get information and statistics about the server").handler(ServerCommands::info).build());
        t.register(command("time", 1).flags(LOADING, STALE, FAST).group("server")
            .tips("nondeterministic_output").summary("Return the current server time")
            .since("2.6.0").handler(ServerCommands::time).build());
        t.register(command("lastsave", 1).flags(LOADING, STALE, FAST).group("server")
            .acl("admin", "dangerous").tips("nondeterministic_output")
            .summary("Get the UNIX time stamp of the last successful save to disk")
            .handler((c, argv) -> c.out().integer(c.server().lastSaveTimeMs() / 1000)).build());
        t.register(command("shutdown", -1).flags(ADMIN, NOSCRIPT, LOADING, STALE, NO_MULTI, ALLOW_BUSY).group("server")
            .summary("Synchronously save the dataset to disk and then shut down the server")
            .handler(ServerCommands::shutdown).build());
        t.register(command("monitor", 1).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
            .summary("Listen for all requests received by the server in real time").handler(ServerCommands::monitor)
            .build());
        t.register(command("debug", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
            .summary("A container for debugging commands").handler(ServerCommands::debug).build());
    }

    /** Registers what these commands need on a server: INFO's standard sections. */
    public static void attach(ServerContext server) {
        StandardInfo.install(server);
    }

    // INFO [section [section ...]]
    private static void info(Client c, byte[][] argv) {
        List<String> sections = new ArrayList<>();
        for (int i = 1; i < argv.length; i++) {
            sections.add(Args.string(argv[i]));
        }
        c.out().verbatim(c.server().info().render(sections));
    }

    // TIME
    private static void time(Client c, byte[][] argv) {
        long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
        c.out().array(2).bulk(micros / 1_000_000).bulk(micros % 1_000_000);
    }

    // SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
    private static void shutdown(Client c, byte[][] argv) {
        boolean nosave = false;
        boolean save = false;
        boolean now = false;
        boolean force = false;
        boolean abort = false;
        for (int i = 1; i < argv.length; i++) {
            switch (Args.word(argv[i])) {
                case "nosave" -> nosave = true;
                case "save" -> save = true;
                case "now" -> now = true;
                case "force" -> force = true;
                case "abort" -> abort = true;
                default -> {
                    c.out().raw(Replies.SYNTAX_ERR);
                    return;
                }
            }
        }
        if ((abort && (nosave || save || now || force)) || (nosave && save)) {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        if (abort) {
            // rkv shuts down at once (there are no replicas to wait for), so none is ever pending.
            c.out().error("ERR No shutdown in progress.");
            return;
        }
        ServerContext server = c.server();
        Persistence persistence = server.persistence();
        boolean savePointsSet = !server.config().savePoints().points().isEmpty();
        if (persistence != null && (save || (savePointsSet && !nosave)) && !persistence.saveForShutdown() && !force) {
            c.out().error("ERR Errors trying to SHUTDOWN. Check logs.");
            return;
        }
        // No reply: the connection closes with the server, as Redis's does.
        server.requestShutdown();
    }

    // MONITOR
    private static void monitor(Client c, byte[][] argv) {
        if (c.kind() != ClientKind.NORMAL || c.server().monitors().isMonitor(c)) {
            return; // Redis ignores MONITOR from replicas and from clients already monitoring
        }
        c.server().monitors().add(c);
        c.out().raw(Replies.OK);
    }

    // DEBUG subcommand [argument ...]
    private static void debug(Client c, byte[][] argv) {
        if (!ProtectedActions.allowed(c, "enable-debug-command")) {
            c.out().error("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you "
                + "can run it from a local connection, otherwise you need to set this option in the configuration file, "
                + "and then restart the server.");
            return;
        }
        String sub = Args.word(argv[1]);
        if (sub.equals("help") && argv.length == 2) {
            Help.reply(c, DEBUG_HELP);
        } else if (sub.equals("sleep") && argv.length == 3) {
            Double seconds = parseSeconds(argv[2]);
            if (seconds == null) {
                c.out().raw(Replies.NOT_FLOAT);
                return;
            }
            // Blocks the event loop on purpose, as DEBUG SLEEP does in Redis, but gives up when
            // the server is stopping so that SIGTERM is not held behind it.
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            try {
                for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                    if (c.server().stopping()) {
                        c.out().error(KeyCommands.STOPPING);
                        return;
                    }
                    Thread.sleep(Math.max(1, Math.min(50, left / 1_000_000)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            c.out().raw(Replies.OK);
        } else if (sub.equals("digest") && argv.length == 2) {
            // Order-independent digest of the whole dataset (replication tests compare servers with it).
            c.out().bulk(DatasetDigest.of(c.server().keyspace(), c.server().nowMs()));
        } else {
            c.out().error("ERR unknown subcommand or wrong number of arguments for '" + Help.ascii(argv[1])
                + "'. Try DEBUG HELP.");
        }
    }

    private static Double parseSeconds(byte[] arg) {
        try {
            double d = Double.parseDouble(Args.string(arg).toLowerCase(Locale.ROOT));
            return Double.isFinite(d) && d >= 0 ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
