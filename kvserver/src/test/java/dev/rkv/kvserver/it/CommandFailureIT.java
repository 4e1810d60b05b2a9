package dev.rkv.kvserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.command.CommandSpec;
import dev.rkv.kvserver.testing.RkvTestServer;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * A command whose handler throws (a bug, a StackOverflowError, an OutOfMemoryError) costs that
 * command only: its client gets an error, everyone else, and the event loop, go on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandFailureIT {
    private RkvTestServer rkv;

    @BeforeAll
    void start() throws Exception {
        rkv = RkvTestServer.start();
        rkv.call(() -> {
            failing("t.runtime", () -> new IllegalStateException("a bug"));
            failing("t.stackoverflow", StackOverflowError::new);
            failing("t.oom", () -> new OutOfMemoryError("Java heap space"));
            rkv.server().context().commands().register(CommandSpec.command("t.partial", 1)
                .handler((c, argv) -> {
                    c.out().array(2).bulk("first");
                    throw new AssertionError("failed half way through its reply");
                }).build());
            return null;
        });
    }

    private void failing(String name, Supplier<Throwable> failure) {
        rkv.server().context().commands().register(CommandSpec.command(name, 1)
            .handler((c, argv) -> sneakyThrow(failure.get())).build());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @AfterAll
    void stop() {
        rkv.close();
    }

    private static ProtocolCommand command(String name) {
        return () -> SafeEncoder.encode(name);
    }

    @Test
    void theClientGetsAnErrorAndTheServerGoesOn() {
        try (Jedis failing = rkv.jedis(); Jedis other = rkv.jedis()) {
            other.set("k", "v");
            for (String name : List.of("t.runtime", "t.stackoverflow", "t.oom")) {
                JedisDataException e = assertThrows(JedisDataException.class, () -> failing.sendCommand(command(name)));
                assertTrue(e.getMessage().startsWith("ERR internal error while executing '" + name + "'"), e.getMessage());
                assertEquals("PONG", failing.ping(), "the same connection goes on after " + name);
                assertEquals("v", other.get("k"), "other clients are served after " + name);
            }
        }
    }

    @Test
    void aFailureInsideExecFailsThatCommandOnly() {
        try (Jedis j = rkv.jedis()) {
            j.sendCommand(Protocol.Command.MULTI);
            j.sendCommand(Protocol.Command.SET, "m", "1");
            j.sendCommand(command("t.oom"));
            j.sendCommand(Protocol.Command.INCR, "m");
            List<Object> replies = (List<Object>) j.sendCommand(Protocol.Command.EXEC);
            assertEquals(3, replies.size());
            assertTrue(replies.get(1) instanceof JedisDataException, String.valueOf(replies.get(1)));
            assertEquals(2L, replies.get(2));
        }
    }

    @Test
    void aFailureAfterPartOfTheReplyClosesThatClientOnly() {
        try (Jedis failing = rkv.jedis(); Jedis other = rkv.jedis()) {
            assertThrows(JedisConnectionException.class, () -> failing.sendCommand(command("t.partial")));
            assertEquals("PONG", other.ping());
        }
    }
}
