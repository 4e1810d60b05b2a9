package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.ClientKind;
import dev.rkv.kvserver.command.CommandSpec;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.protocol.Replies;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.rkv.kvserver.command.CommandFlag.ADMIN;
import static dev.rkv.kvserver.command.CommandFlag.LOADING;
import static dev.rkv.kvserver.command.CommandFlag.NOSCRIPT;
import static dev.rkv.kvserver.command.CommandFlag.STALE;
import static dev.rkv.kvserver.command.CommandSpec.command;

/**
 * CLIENT ID / SETNAME / GETNAME / LIST / INFO / KILL / NO-EVICT / SETINFO / HELP.
 *
 * <p>rkv has no client-side caching and never blocks clients in a way CLIENT UNBLOCK could end:
 * TRACKING OFF, TRACKINGINFO, GETREDIR and CACHING answer as Redis does for a client without
 * tracking, TRACKING ON is refused, UNBLOCK finds no blocked client. CLIENT PAUSE is not
 * implemented; UNPAUSE has nothing to end.
 *
 * <p>CLIENT SETINFO is Redis 7.2's: Jedis 5 sends it on every connect, and accepting it keeps
 * those connections free of error replies. CLIENT LIST keeps 7.0's fields, so the library name
 * and version are stored but not listed.
 */
public final class ClientCommand {
    private static final List<String> HELP = List.of(
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "    * ID <client-id>",
        "      Kill connections by client id.",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "    * ID <client-id> [<client-id> ...]",
        "      Return clients of specified IDs only.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "SETINFO <LIB-NAME|LIB-VER> <value>",
        "    Set client meta attributes (Redis 7.2).",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching (rkv: OFF only).",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "HELP",
        "    Prints this help.");

    private ClientCommand() {
    }

    public static void register(CommandTable t) {
        t.register(command("client", -2).group("connection").summary("A container for client connection commands")
            .since("2.4.0")
            .subcommand(sub("id", 2, "Returns the client ID for the current connection", "5.0.0")
                .handler((c, argv) -> c.out().integer(c.id())))
            .subcommand(sub("setname", 3, "Set the current connection name", "2.6.9").handler(ClientCommand::setname))
            .subcommand(sub("getname", 2, "Get the current connection name", "2.6.9").handler(ClientCommand::getname))
            .subcommand(sub("list", -2, "Get the list of client connections", "2.4.0").flags(ADMIN)
                .tips("nondeterministic_output")
                .handler(ClientCommand::list))
            .subcommand(sub("info", 2, "Returns information about the current client connection.", "6.2.0")
                .tips("nondeterministic_output")
                .handler((c, argv) -> c.out().verbatim(ClientInfoLine.of(c, c.server().nowMs()) + "\n")))
            .subcommand(sub("kill", -3, "Kill the connection of a client", "2.4.0").flags(ADMIN)
                .handler(ClientCommand::kill))
            .subcommand(sub("no-evict", 3, "Set client eviction mode for the current connection", "7.0.0").flags(ADMIN)
                .handler(ClientCommand::noEvict))
            .subcommand(sub("getredir", 2, "Get tracking notifications redirection client ID if any", "6.0.0")
                .handler((c, argv) -> c.out().integer(-1)))
            .subcommand(sub("trackinginfo", 2, "Return information about server assisted client side caching for the "
                + "current connection", "6.2.0").handler(ClientCommand::trackinginfo))
            .subcommand(sub("caching", 3, "Instruct the server about tracking or not keys in the next request", "6.0.0")
                .handler((c, argv) -> c.out().error("ERR CLIENT CACHING can be called only when the client is in "
                    + "tracking mode with OPTIN or OPTOUT mode enabled")))
            .subcommand(sub("tracking", -3, "Enable or disable server assisted client side caching support", "6.0.0")
                .handler(ClientCommand::tracking))
            .subcommand(sub("unblock", -3, "Unblock a client blocked in a blocking command from a different connection",
                "5.0.0").flags(ADMIN).handler(ClientCommand::unblock))
            .subcommand(sub("unpause", 2, "Resume processing of clients that were paused", "6.2.0").flags(ADMIN)
                .handler((c, argv) -> c.out().raw(Replies.OK)))
            .subcommand(sub("reply", 3, "Instruct the server whether to reply to commands", "3.2.0")
                .handler(ClientCommand::reply))
            .subcommand(sub("setinfo", 4, "Set client or connection specific info", "7.2.0")
                .handler(ClientCommand::setinfo))
            .subcommand(command("help", 2).flags(LOADING, STALE).group("connection")
                .summary("Show helpful text about the different subcommands").since("5.0.0")
                .handler((c, argv) -> Help.reply(c, HELP)))
            .build());
    }

    private static CommandSpec.Builder sub(String name, int arity, String summary, String since) {
        return command(name, arity).flags(NOSCRIPT, LOADING, STALE).group("connection").summary(summary).since(since);
    }

    // CLIENT SETNAME connection-name
    private static void setname(Client c, byte[][] argv) {
        String name = Args.string(argv[2]);
        if (!ClientNames.valid(name)) {
            c.out().error("ERR Client names cannot contain spaces, newlines or special characters.");
            return;
        }
        c.name(name);
        c.out().raw(Replies.OK);
    }

    // CLIENT GETNAME
    private static void getname(Client c, byte[][] argv) {
        if (c.name().isEmpty()) {
            c.out().nullBulk();
        } else {
            c.out().bulk(c.name());
        }
    }

    // CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>
    private static void setinfo(Client c, byte[][] argv) {
        boolean libName = Args.is(argv[2], "lib-name");
        if (!libName && !Args.is(argv[2], "lib-ver")) {
            c.out().error("ERR Unrecognized option '" + Help.ascii(argv[2]) + "'");
            return;
        }
        String value = Args.string(argv[3]);
        if (!ClientNames.valid(value)) {
            c.out().error("ERR " + (libName ? "lib-name" : "lib-ver")
                + " cannot contain spaces, newlines or special characters.");
            return;
        }
        if (libName) {
            c.libName(value);
        } else {
            c.libVersion(value);
        }
        c.out().raw(Replies.OK);
    }

    // CLIENT TRACKINGINFO
    private static void trackinginfo(Client c, byte[][] argv) {
        c.out().map(3);
        c.out().bulk("flags").set(1).bulk("off");
        c.out().bulk("redirect").integer(-1);
        c.out().bulk("prefixes").array(0);
    }

    // CLIENT TRACKING ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
    private static void tracking(Client c, byte[][] argv) {
        for (int i = 3; i < argv.length; i++) {
            boolean more = i + 1 < argv.length;
            if (Args.is(argv[i], "redirect") && more) {
                if (Args.longOrReply(c, argv[++i]) == null) {
                    return;
                }
            } else if (Args.is(argv[i], "prefix") && more) {
                i++;
            } else if (!Args.is(argv[i], "bcast") && !Args.is(argv[i], "optin") && !Args.is(argv[i], "optout")
                && !Args.is(argv[i], "noloop")) {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
        }
        if (Args.is(argv[2], "off")) {
            c.out().raw(Replies.OK);
        } else if (Args.is(argv[2], "on")) {
            c.out().error("ERR rkv does not support server assisted client side caching (CLIENT TRACKING ON)");
        } else {
            c.out().raw(Replies.SYNTAX_ERR);
        }
    }

    // CLIENT UNBLOCK client-id [TIMEOUT | ERROR]
    private static void unblock(Client c, byte[][] argv) {
        if (argv.length > 4) {
            c.out().error("ERR unknown subcommand or wrong number of arguments for '" + Help.ascii(argv[1])
                + "'. Try CLIENT HELP.");
            return;
        }
        Long id = Args.longOrReply(c, argv[2]);
        if (id == null) {
            return;
        }
        if (argv.length == 4 && !Args.is(argv[3], "timeout") && !Args.is(argv[3], "error")) {
            c.out().error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
        Client target = c.server().clients().byId(id);
        boolean withError = argv.length == 4 && Args.is(argv[3], "error");
        c.out().integer(target != null && c.server().blocked().unblock(target, withError) ? 1 : 0);
    }

    // CLIENT REPLY ON|OFF|SKIP: only ON is answered
    private static void reply(Client c, byte[][] argv) {
        if (Args.is(argv[2], "on")) {
            c.replyMode(Client.ReplyMode.ON);
            c.out().raw(Replies.OK);
        } else if (Args.is(argv[2], "off")) {
            c.replyMode(Client.ReplyMode.OFF);
        } else if (Args.is(argv[2], "skip")) {
            if (c.replyMode() != Client.ReplyMode.OFF) {
                c.replyMode(Client.ReplyMode.SKIP);
            }
        } else {
            c.out().raw(Replies.SYNTAX_ERR);
        }
    }

    // CLIENT NO-EVICT ON|OFF
    private static void noEvict(Client c, byte[][] argv) {
        if (Args.is(argv[2], "on")) {
            c.noEvict(true);
        } else if (Args.is(argv[2], "off")) {
            c.noEvict(false);
        } else {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        c.out().raw(Replies.OK);
    }

    // CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]
    private static void list(Client c, byte[][] argv) {
        ClientKind type = null;
        Set<Long> ids = null;
        if (argv.length == 4 && Args.is(argv[2], "type")) {
            type = kindOrReply(c, argv[3]);
            if (type == null) {
                return;
            }
        } else if (argv.length > 3 && Args.is(argv[2], "id")) {
            ids = new HashSet<>();
            for (int i = 3; i < argv.length; i++) {
                Long id = Args.longOrReply(c, argv[i], "Invalid client ID");
                if (id == null) {
                    return;
                }
                ids.add(id);
            }
        } else if (argv.length != 2) {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        long now = c.server().nowMs();
        StringBuilder out = new StringBuilder();
        for (Client other : c.server().clients().all()) {
            if ((type != null && kindOf(other) != type) || (ids != null && !ids.contains(other.id()))) {
                continue;
            }
            out.append(ClientInfoLine.of(other, now)).append('\n');
        }
        c.out().verbatim(out.toString());
    }

    // CLIENT KILL ip:port | CLIENT KILL [ID id] [TYPE type] [ADDR ip:port] [LADDR ip:port] [USER name] [SKIPME yes|no]
    private static void kill(Client c, byte[][] argv) {
        Long id = null;
        ClientKind type = null;
        String addr = null;
        String laddr = null;
        boolean skipme = true;
        boolean oldStyle = argv.length == 3;
        if (oldStyle) {
            addr = Args.string(argv[2]);
            skipme = false;
        } else {
            for (int i = 2; i < argv.length; i += 2) {
                boolean more = i + 1 < argv.length;
                if (Args.is(argv[i], "id") && more) {
                    id = Args.rangeOrReply(c, argv[i + 1], 1, Long.MAX_VALUE, "client-id should be greater than 0");
                    if (id == null) {
                        return;
                    }
                } else if (Args.is(argv[i], "type") && more) {
                    type = kindOrReply(c, argv[i + 1]);
                    if (type == null) {
                        return;
                    }
                } else if (Args.is(argv[i], "addr") && more) {
                    addr = Args.string(argv[i + 1]);
                } else if (Args.is(argv[i], "laddr") && more) {
                    laddr = Args.string(argv[i + 1]);
                } else if (Args.is(argv[i], "user") && more) {
                    if (!Args.is(argv[i + 1], "default")) {
                        c.out().error("ERR No such user '" + Help.ascii(argv[i + 1]) + "'");
                        return;
                    }
                } else if (Args.is(argv[i], "skipme") && more) {
                    if (Args.is(argv[i + 1], "yes")) {
                        skipme = true;
                    } else if (Args.is(argv[i + 1], "no")) {
                        skipme = false;
                    } else {
                        c.out().raw(Replies.SYNTAX_ERR);
                        return;
                    }
                } else {
                    c.out().raw(Replies.SYNTAX_ERR);
                    return;
                }
            }
        }
        List<Client> victims = new ArrayList<>();
        for (Client other : c.server().clients().all()) {
            if ((addr != null && !addr.equals(other.connection().peerAddress()))
                || (laddr != null && !laddr.equals(other.connection().localAddress()))
                || (type != null && kindOf(other) != type)
                || (id != null && id != other.id())
                || (other == c && skipme)) {
                continue;
            }
            victims.add(other);
        }
        for (Client v : victims) {
            if (v == c) {
                c.connection().closeAfterReply();
            } else {
                v.connection().close();
            }
        }
        if (!oldStyle) {
            c.out().integer(victims.size());
        } else if (victims.isEmpty()) {
            c.out().error("ERR No such client");
        } else {
            c.out().raw(Replies.OK);
        }
    }

    /** The client's class for TYPE filters: subscribed normal clients are "pubsub". */
    static ClientKind kindOf(Client c) {
        if (c.kind() == ClientKind.NORMAL && c.isSubscribed()) {
            return ClientKind.PUBSUB;
        }
        return c.kind();
    }

    private static ClientKind kindOrReply(Client c, byte[] arg) {
        ClientKind k = switch (Args.word(arg)) {
            case "normal" -> ClientKind.NORMAL;
            case "slave", "replica" -> ClientKind.REPLICA;
            case "master" -> ClientKind.PRIMARY;
            case "pubsub" -> ClientKind.PUBSUB;
            default -> null;
        };
        if (k == null) {
            c.out().error("ERR Unknown client type '" + Help.ascii(arg) + "'");
        }
        return k;
    }
}
