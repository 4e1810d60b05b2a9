package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.config.ConfigException;
import dev.rkv.kvserver.config.ServerConfig;
import dev.rkv.kvserver.protocol.Replies;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.rkv.kvserver.command.CommandFlag.ADMIN;
import static dev.rkv.kvserver.command.CommandFlag.LOADING;
import static dev.rkv.kvserver.command.CommandFlag.NOSCRIPT;
import static dev.rkv.kvserver.command.CommandFlag.STALE;
import static dev.rkv.kvserver.command.CommandSpec.command;

/** CONFIG GET / SET / RESETSTAT / REWRITE / HELP, with Redis 7.0's multi-pattern GET and atomic multi-pair SET. */
public final class ConfigCommand {
    private static final List<String> HELP = List.of(
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Prints this help.");

    private ConfigCommand() {
    }

    public static void register(CommandTable t) {
        t.register(command("config", -2).group("server").summary("A container for server configuration commands")
            .since("2.0.0")
            .subcommand(command("get", -3).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                .summary("Get the values of configuration parameters").since("2.0.0").handler(ConfigCommand::get))
            .subcommand(command("set", -4).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                .summary("Set configuration parameters to the given values").since("2.0.0").handler(ConfigCommand::set))
            .subcommand(command("resetstat", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                .summary("Reset the stats returned by INFO").since("2.0.0").handler(ConfigCommand::resetstat))
            .subcommand(command("rewrite", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                .summary("Rewrite the configuration file with the in memory configuration").since("2.8.0")
                .handler(ConfigCommand::rewrite))
            .subcommand(command("help", 2).flags(LOADING, STALE).group("server")
                .summary("Show helpful text about the different subcommands").since("5.0.0")
                .handler((c, argv) -> Help.reply(c, HELP)))
            .build());
    }

    // CONFIG GET parameter [parameter ...]
    private static void get(Client c, byte[][] argv) {
        Map<String, String> found = new LinkedHashMap<>();
        for (int i = 2; i < argv.length; i++) {
            for (Map.Entry<String, String> e : c.server().config().matching(Args.string(argv[i])).entrySet()) {
                found.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        c.out().map(found.size());
        for (Map.Entry<String, String> e : found.entrySet()) {
            c.out().bulk(e.getKey()).bulk(e.getValue());
        }
    }

    // CONFIG SET parameter value [parameter value ...]
    private static void set(Client c, byte[][] argv) {
        if (argv.length % 2 != 0) {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        ServerConfig config = c.server().config();
        List<String> names = new ArrayList<>();
        for (int i = 2; i < argv.length; i += 2) {
            String given = Args.string(argv[i]);
            String name = config.canonicalName(given);
            if (name == null) {
                c.out().error("ERR Unknown option or number of arguments for CONFIG SET - '" + given + "'");
                return;
            }
            if (!config.isMutable(name)) {
                c.out().error(failed(given, "can't set immutable config"));
                return;
            }
            if (config.isProtected(name) && !ProtectedActions.allowed(c, "enable-protected-configs")) {
                c.out().error(failed(given, "can't set protected config"));
                return;
            }
            if (names.contains(name)) {
                c.out().error(failed(given, "duplicate parameter"));
                return;
            }
            names.add(name);
        }
        // All or nothing: on the first bad value, the values already set are put back.
        Map<String, String> previous = new LinkedHashMap<>();
        for (int i = 2; i < argv.length; i += 2) {
            String name = names.get(i / 2 - 1);
            String old = config.getString(name);
            try {
                config.set(name, Args.string(argv[i + 1]));
                previous.put(name, old);
            } catch (ConfigException e) {
                restore(config, previous);
                c.out().error(failed(Args.string(argv[i]), e.getMessage()));
                return;
            }
        }
        c.out().raw(Replies.OK);
    }

    private static String failed(String argument, String reason) {
        return "ERR CONFIG SET failed (possibly related to argument '" + argument + "') - " + reason;
    }

    private static void restore(ServerConfig config, Map<String, String> previous) {
        for (Map.Entry<String, String> e : previous.entrySet()) {
            try {
                config.set(e.getKey(), e.getValue());
            } catch (ConfigException impossible) {
                // The value was printed by the option itself a moment ago, so it parses.
                throw new IllegalStateException("cannot restore " + e.getKey() + " to '" + e.getValue() + "'",
                    impossible);
            }
        }
    }

    // CONFIG RESETSTAT
    private static void resetstat(Client c, byte[][] argv) {
        c.server().stats().reset();
        c.out().raw(Replies.OK);
    }

    // CONFIG REWRITE
    private static void rewrite(Client c, byte[][] argv) {
        try {
            c.server().config().rewrite();
            c.out().raw(Replies.OK);
        } catch (ConfigException e) {
            c.out().error("ERR " + e.getMessage());
        } catch (IOException e) {
            c.out().error("ERR Rewriting config file: " + e.getMessage());
        }
    }
}
