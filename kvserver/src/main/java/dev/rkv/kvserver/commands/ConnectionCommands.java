package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.protocol.Replies;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

import static dev.rkv.kvserver.command.CommandFlag.ALLOW_BUSY;
import static dev.rkv.kvserver.command.CommandFlag.FAST;
import static dev.rkv.kvserver.command.CommandFlag.LOADING;
import static dev.rkv.kvserver.command.CommandFlag.NO_AUTH;
import static dev.rkv.kvserver.command.CommandFlag.NOSCRIPT;
import static dev.rkv.kvserver.command.CommandFlag.STALE;
import static dev.rkv.kvserver.command.CommandSpec.command;

/** Connection commands: PING ECHO SELECT QUIT AUTH HELLO RESET. */
public final class ConnectionCommands {
    /** The Redis version rkv answers as, so that tools that check it accept us. */
    public static final String REDIS_VERSION = "7.0.15";

    private ConnectionCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("ping", -1).flags(FAST)
            .tips("request_policy:all_shards", "response_policy:all_succeeded").group("connection").summary("Ping the server")
            .handler(ConnectionCommands::ping).build());
        t.register(command("echo", 2).flags(LOADING, STALE, FAST).group("connection").summary("Echo the given string")
            .handler((c, argv) -> c.out().bulk(argv[1])).build());
        t.register(command("select", 2).flags(LOADING, STALE, FAST).group("connection")
            .summary("Change the selected database for the current connection").handler(ConnectionCommands::select).build());
        t.register(command("quit", -1).flags(ALLOW_BUSY, NOSCRIPT, LOADING, STALE, FAST, NO_AUTH).group("connection")
            .summary("Close the connection").handler(ConnectionCommands::quit).build());
        t.register(command("auth", -2).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).group("connection")
            .summary("Authenticate to the server").handler(ConnectionCommands::auth).build());
        t.register(command("hello", -1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).group("connection")
            .summary("Handshake with Redis").since("6.0.0").handler(ConnectionCommands::hello).build());
        t.register(command("reset", 1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).group("connection")
            .summary("Reset the connection").since("6.2.0").handler(ConnectionCommands::reset).build());
    }

    // PING [message]
    private static void ping(Client c, byte[][] argv) {
        if (argv.length > 2) {
            c.out().error("ERR wrong number of arguments for 'ping' command");
            return;
        }
        if (c.inPubSubContext()) {
            c.out().array(2).bulk("pong").bulk(argv.length == 2 ? argv[1] : new byte[0]);
        } else if (argv.length == 2) {
            c.out().bulk(argv[1]);
        } else {
            c.out().raw(Replies.PONG);
        }
    }

    // SELECT index
    private static void select(Client c, byte[][] argv) {
        Long id = Args.longOrReply(c, argv[1]);
        if (id == null) {
            return;
        }
        if (id < 0 || id >= c.server().keyspace().count()) {
            c.out().raw(Replies.DB_INDEX_OUT_OF_RANGE);
            return;
        }
        c.select(id.intValue());
        c.out().raw(Replies.OK);
    }

    // QUIT
    private static void quit(Client c, byte[][] argv) {
        c.out().raw(Replies.OK);
        c.connection().closeAfterReply();
    }

    // AUTH [username] password
    private static void auth(Client c, byte[][] argv) {
        if (argv.length > 3) {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        String required = c.server().config().getString("requirepass");
        if (argv.length == 2 && required.isEmpty()) {
            c.out().error("ERR AUTH <password> called without any password configured for the default user. "
                + "Are you sure your configuration is correct?");
            return;
        }
        byte[] user = argv.length == 3 ? argv[1] : Args.bytes("default");
        byte[] pass = argv[argv.length - 1];
        if (checkPassword(c, user, pass)) {
            c.out().raw(Replies.OK);
        } else {
            c.out().error("WRONGPASS invalid username-password pair or user is disabled.");
        }
    }

    /** Authenticates the client as the default user; constant-time comparison of the password. */
    private static boolean checkPassword(Client c, byte[] user, byte[] pass) {
        String required = c.server().config().getString("requirepass");
        boolean ok = Args.is(user, "default")
            && (required.isEmpty() || MessageDigest.isEqual(pass, required.getBytes(StandardCharsets.UTF_8)));
        if (ok) {
            c.authenticated(true);
        }
        return ok;
    }

    // HELLO [protover [AUTH username password] [SETNAME clientname]]
    private static void hello(Client c, byte[][] argv) {
        int version = c.protocol();
        int next = 1;
        if (argv.length >= 2) {
            Long v = Args.longOrReply(c, argv[1], "Protocol version is not an integer or out of range");
            if (v == null) {
                return;
            }
            if (v < 2 || v > 3) {
                c.out().error("NOPROTO unsupported protocol version");
                return;
            }
            version = v.intValue();
            next = 2;
        }
        byte[] user = null;
        byte[] pass = null;
        for (int i = next; i < argv.length; i++) {
            boolean more = i + 1 < argv.length;
            if (Args.is(argv[i], "auth") && i + 2 < argv.length) {
                user = argv[i + 1];
                pass = argv[i + 2];
                i += 2;
            } else if (Args.is(argv[i], "setname") && more) {
                String name = Args.string(argv[i + 1]);
                if (!ClientNames.valid(name)) {
                    c.out().error("ERR Client names cannot contain spaces, newlines or special characters.");
                    return;
                }
                // Redis 7.0 sets the name as it parses: a later bad option fails HELLO but the
                // name stays set.
                c.name(name);
                i++;
            } else {
                c.out().error("ERR Syntax error in HELLO option '" + Args.latin1(argv[i]) + "'");
                return;
            }
        }
        if (user != null && !checkPassword(c, user, pass)) {
            c.out().error("WRONGPASS invalid username-password pair or user is disabled.");
            return;
        }
        if (!c.authenticated()) {
            c.out().error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
                + "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
                + "protocol version at the same time");
            return;
        }
        c.protocol(version);
        c.out().map(7);
        c.out().bulk("server").bulk("redis");
        c.out().bulk("version").bulk(REDIS_VERSION);
        c.out().bulk("proto").integer(version);
        c.out().bulk("id").integer(c.id());
        c.out().bulk("mode").bulk("standalone");
        c.out().bulk("role").bulk(c.server().role());
        c.out().bulk("modules").array(0);
    }

    // RESET
    private static void reset(Client c, byte[][] argv) {
        if (c.inMulti()) {
            c.endMulti();
        }
        c.server().watches().unwatchAll(c);
        c.server().pubsub().forget(c);
        c.server().monitors().remove(c);
        c.replyMode(Client.ReplyMode.ON);
        c.select(0);
        c.protocol(2);
        c.name("");
        c.noEvict(false);
        c.authenticated(!c.server().requiresAuth());
        c.out().simple("RESET");
    }
}
