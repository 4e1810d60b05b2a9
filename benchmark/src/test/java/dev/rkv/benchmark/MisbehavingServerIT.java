package dev.rkv.benchmark;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Servers that go wrong: the benchmark stops with one line and exit code 1 instead of hanging.
 * The timeout only guards against a hang; nothing is timed.
 */
class MisbehavingServerIT {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @Test
    void aServerThatClosesMidRunIsAClearError() throws IOException {
        // Answers the setup connection's two CONFIG GETs and 300 benchmark requests, then closes everything.
        try (FakeServer server = new FakeServer(302, n -> "+OK\r\n")) {
            Run r = assertTimeoutPreemptively(HANG_GUARD,
                () -> Run.against(server.port(), "-t", "set", "-n", "100000", "-c", "5", "-q"));
            assertEquals(1, r.exitCode(), r.toString());
            List<String> err = r.err().lines().toList();
            assertEquals("WARNING: Could not fetch server CONFIG", err.get(0), r.err());
            assertTrue(err.get(1).matches("rkv benchmark: SET: the server closed the connection \\(127\\.0\\.0\\.1:"
                + server.port() + ", \\d+ of 100000 requests answered\\)"), r.err());
            assertEquals(2, err.size(), r.err());
        }
    }

    @Test
    void aServerThatClosesAtOnceIsAClearError() throws IOException {
        try (FakeServer server = new FakeServer(0, n -> "")) {
            Run r = assertTimeoutPreemptively(HANG_GUARD, () -> Run.against(server.port(), "-t", "get", "-n", "10"));
            assertEquals(1, r.exitCode(), r.toString());
            assertEquals("rkv benchmark: CONFIG: the server closed the connection (127.0.0.1:" + server.port() + ")"
                + System.lineSeparator(), r.err());
        }
    }

    @Test
    void aServerThatIsNotRedisIsAProtocolError() throws IOException {
        try (FakeServer server = new FakeServer(1, n -> "HTTP/1.1 400 Bad Request\r\n\r\n")) {
            Run r = assertTimeoutPreemptively(HANG_GUARD, () -> Run.against(server.port(), "-t", "get", "-n", "10"));
            assertEquals(1, r.exitCode(), r.toString());
            assertEquals("rkv benchmark: CONFIG: protocol error: unexpected reply type byte 'H' (rkv benchmark reads "
                + "RESP2 replies) (127.0.0.1:" + server.port() + ")" + System.lineSeparator(), r.err());
        }
    }

    @Test
    void moreRepliesThanRequestsIsAProtocolError() throws IOException {
        // Two replies to every request: the setup connection reads only the first (it sends one
        // request at a time), the benchmark's clients notice the extra one.
        try (FakeServer server = new FakeServer(1_000_000, n -> "+OK\r\n+OK\r\n")) {
            Run r = assertTimeoutPreemptively(HANG_GUARD,
                () -> Run.against(server.port(), "-t", "set", "-n", "1000", "-c", "1", "-q"));
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().contains("rkv benchmark: SET: protocol error: 2 replies arrived for 1 requests"), r.err());
        }
    }

    @Test
    void aServerThatAcceptsAndStaysSilentIsAClearErrorAfterTheReplyTimeout() throws IOException {
        // Answers the setup connection's two CONFIG GETs, then reads every request and answers none.
        try (FakeServer server = new FakeServer(2, n -> "*2\r\n$4\r\nsave\r\n$0\r\n\r\n", false)) {
            Run r = assertTimeoutPreemptively(HANG_GUARD,
                () -> Run.against(server.port(), "-t", "get", "-n", "1000", "-c", "4", "--reply-timeout", "500", "-q"));
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().matches("rkv benchmark: GET: no reply from 127\\.0\\.0\\.1:" + server.port()
                + " for \\d+ ms \\(--reply-timeout 500\\), 0 of 1000 requests answered: the server accepts "
                + "connections but does not answer\\R"), r.err());
        }
    }

    @Test
    void aServerSilentFromTheStartFailsTheSetupAfterTheReplyTimeout() throws IOException {
        try (FakeServer server = new FakeServer(0, n -> "", false)) {
            Run r = assertTimeoutPreemptively(HANG_GUARD,
                () -> Run.against(server.port(), "-t", "get", "-n", "10", "--reply-timeout", "300"));
            assertEquals(1, r.exitCode(), r.toString());
            assertEquals("rkv benchmark: CONFIG: no reply from 127.0.0.1:" + server.port() + " within 300 ms "
                + "(--reply-timeout)" + System.lineSeparator(), r.err());
        }
    }

    /**
     * Answers each multibulk request it reads (each {@code '*'}: the benchmark's values are
     * letters) with {@code reply.apply(n)} until {@code budget} requests are answered, then closes
     * every connection and stops accepting, or with {@code closeWhenSpent} false reads on and answers nothing.
     */
    private static final class FakeServer implements AutoCloseable {
        private final ServerSocket server;
        private final IntFunction<String> reply;
        private final List<Socket> sockets = new ArrayList<>();
        private final boolean closeWhenSpent;
        private int budget;

        FakeServer(int budget, IntFunction<String> reply) throws IOException {
            this(budget, reply, true);
        }

        FakeServer(int budget, IntFunction<String> reply, boolean closeWhenSpent) throws IOException {
            this.closeWhenSpent = closeWhenSpent;
            this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
            this.budget = budget;
            this.reply = reply;
            Thread t = new Thread(this::accept, "fake-server-accept");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            try {
                while (!server.isClosed()) {
                    Socket s = server.accept();
                    synchronized (this) {
                        sockets.add(s);
                        if (budget <= 0 && closeWhenSpent) {
                            closeAll();
                            continue;
                        }
                    }
                    Thread t = new Thread(() -> serve(s), "fake-server-conn");
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException e) {
                if (!server.isClosed()) {
                    throw new IllegalStateException(e);
                }
            }
        }

        private void serve(Socket s) {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    StringBuilder replies = new StringBuilder();
                    boolean exhausted = false;
                    synchronized (this) {
                        for (int i = 0; i < n && budget > 0; i++) {
                            if (buffer[i] == '*') {
                                replies.append(reply.apply(budget--));
                            }
                        }
                        exhausted = budget <= 0;
                    }
                    out.write(replies.toString().getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (exhausted && closeWhenSpent) {
                        synchronized (this) {
                            closeAll();
                        }
                        return;
                    }
                }
            } catch (IOException closedByUs) {
                // closeAll() closed this socket under the reading thread: the fake is done with it.
                return;
            }
        }

        private void closeAll() {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (this) {
                closeAll();
            }
        }
    }
}
