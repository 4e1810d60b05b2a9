package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.protocol.Replies;

import java.util.List;

import static dev.rkv.kvserver.command.CommandFlag.ALLOW_BUSY;
import static dev.rkv.kvserver.command.CommandFlag.LOADING;
import static dev.rkv.kvserver.command.CommandFlag.NOSCRIPT;
import static dev.rkv.kvserver.command.CommandFlag.STALE;
import static dev.rkv.kvserver.command.CommandSpec.command;

/**
 * SCRIPT KILL / FLUSH / EXISTS / HELP of a server that runs no scripts (rkv has no EVAL). Sentinel
 * sends SCRIPT KILL to a primary that answers -BUSY; a client cleaning up sends FLUSH. Both get
 * what Redis answers when no script is loaded or running; LOAD is not offered, so a client that
 * wants scripting learns at once that it is missing.
 */
public final class ScriptCommand {
    private static final List<String> HELP = List.of(
        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "HELP",
        "    Prints this help.");

    private ScriptCommand() {
    }

    public static void register(CommandTable t) {
        t.register(command("script", -2).group("scripting").summary("A container for Lua scripts management commands")
            .since("2.6.0")
            .subcommand(command("kill", 2).flags(NOSCRIPT, ALLOW_BUSY).group("scripting").since("2.6.0")
                .tips("request_policy:all_shards", "response_policy:one_succeeded")
                .summary("Terminate a Lua script in execution")
                .handler((c, argv) -> c.out().error("NOTBUSY No scripts in execution right now.")))
            .subcommand(command("flush", -2).flags(NOSCRIPT).group("scripting").since("2.6.0")
                .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                .summary("Remove all the scripts from the script cache").handler(ScriptCommand::flush))
            .subcommand(command("exists", -3).flags(NOSCRIPT).group("scripting").since("2.6.0")
                .tips("request_policy:all_shards", "response_policy:agg_logical_and")
                .summary("Determine whether server-side Lua scripts exist in the script cache")
                .handler(ScriptCommand::exists))
            .subcommand(command("help", 2).flags(LOADING, STALE).group("scripting").since("5.0.0")
                .summary("Show helpful text about the different subcommands").handler((c, argv) -> Help.reply(c, HELP)))
            .build());
    }

    // SCRIPT FLUSH [ASYNC | SYNC]
    private static void flush(Client c, byte[][] argv) {
        if (argv.length > 3 || (argv.length == 3 && !Args.is(argv[2], "async") && !Args.is(argv[2], "sync"))) {
            c.out().error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        c.out().raw(Replies.OK);
    }

    // SCRIPT EXISTS sha1 [sha1 ...]: no script is ever cached
    private static void exists(Client c, byte[][] argv) {
        c.out().array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            c.out().integer(0);
        }
    }
}
