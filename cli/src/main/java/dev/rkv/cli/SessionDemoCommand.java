package dev.rkv.cli;

import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rkv session-demo}: starts a server on a free loopback port and shows a client session
 * against it, printed the way redis-cli prints replies.
 */
@Command(name = "session-demo", mixinStandardHelpOptions = true,
    description = "Start a server on a free port and show a client session against it.")
final class SessionDemoCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Port to listen on (0 = any free port).", defaultValue = "0")
    int port;

    private static final String[][] SESSION = {
        {"PING"},
        {"CLIENT", "SETNAME", "demo"},
        {"SET", "greeting", "hello from rkv"},
        {"GET", "greeting"},
        {"SET", "counter", "41", "EX", "60"},
        {"INCR", "counter"},
        {"TTL", "counter"},
        {"MSET", "a", "1", "b", "2", "c", "3"},
        {"MGET", "a", "b", "missing"},
        {"KEYS", "*"},
        {"DBSIZE"},
        {"GET", "no-such-key"},
        {"INCR", "greeting"},
        {"NOSUCHCOMMAND", "arg"},
    };

    @Override
    public Integer call() throws Exception {
        ServerConfig config = new ServerConfig();
        config.set("port", Integer.toString(port));
        config.set("save", "");
        try (RkvServer server = new RkvServer(config)) {
            server.start();
            System.out.println("rkv server listening on 127.0.0.1:" + server.port());
            try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
                for (String[] cmd : SESSION) {
                    System.out.println("127.0.0.1:" + server.port() + "> " + String.join(" ", cmd));
                    Object reply;
                    try {
                        reply = jedis.sendCommand(new RawCommand(cmd[0]), java.util.Arrays.copyOfRange(cmd, 1, cmd.length));
                    } catch (JedisDataException e) {
                        reply = e;
                    }
                    System.out.println(ReplyFormat.format(reply, ""));
                }
            }
        }
        return 0;
    }

    /** A command by name, for Jedis's sendCommand. */
    record RawCommand(String name) implements ProtocolCommand {
        @Override
        public byte[] getRaw() {
            return SafeEncoder.encode(name);
        }
    }

    /** Formats a raw Jedis reply the way redis-cli does. */
    static final class ReplyFormat {
        private ReplyFormat() {
        }

        static String format(Object reply, String indent) {
            if (reply == null) {
                return "(nil)";
            }
            if (reply instanceof JedisDataException e) {
                return "(error) " + e.getMessage();
            }
            if (reply instanceof Long l) {
                return "(integer) " + l;
            }
            if (reply instanceof byte[] b) {
                String s = new String(b, StandardCharsets.UTF_8);
                return "\"" + s + "\"";
            }
            if (reply instanceof List<?> list) {
                if (list.isEmpty()) {
                    return "(empty array)";
                }
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        sb.append('\n').append(indent);
                    }
                    String prefix = (i + 1) + ") ";
                    sb.append(prefix).append(format(list.get(i), indent + " ".repeat(prefix.length())));
                }
                return sb.toString();
            }
            if (reply instanceof Protocol.Keyword k) {
                return k.name();
            }
            return String.valueOf(reply);
        }
    }
}
