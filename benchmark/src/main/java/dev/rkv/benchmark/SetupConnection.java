package dev.rkv.benchmark;

import dev.rkv.benchmark.transport.Connection;
import dev.rkv.benchmark.transport.Poller;
import dev.rkv.benchmark.transport.Transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-request-at-a-time connection for what happens before the tests: AUTH, and reading the
 * server's {@code save} and {@code appendonly} settings for the report, as redis-benchmark does.
 * Goes through the same {@link Transport} as the load, so it checks the transport as well.
 */
final class SetupConnection implements AutoCloseable {
    /** An error reply. */
    record ErrorReply(String message) {
    }

    private final Poller poller;
    private final Connection connection;
    private final String peer;
    private final long replyTimeoutMillis;

    private SetupConnection(Poller poller, Connection connection, String peer, long replyTimeoutMillis) {
        this.poller = poller;
        this.connection = connection;
        this.peer = peer;
        this.replyTimeoutMillis = replyTimeoutMillis;
    }

    /** Connects; {@link #call} waits at most {@code replyTimeoutMillis} for each reply. */
    static SetupConnection open(Transport transport, String host, int port, long replyTimeoutMillis)
            throws BenchmarkException {
        String peer = host + ":" + port;
        Poller poller = null;
        try {
            poller = transport.openPoller();
            Connection connection = poller.connect(host, port, Worker.CONNECT_TIMEOUT_MILLIS, null);
            return new SetupConnection(poller, connection, peer, replyTimeoutMillis);
        } catch (IOException e) {
            closeQuietly(poller, e);
            throw new BenchmarkException("Could not connect to Redis at " + peer + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends one command and waits for its reply.
     *
     * @return a String (status or bulk), Long, List, {@link ErrorReply}, or null (nil)
     */
    Object call(String... args) throws BenchmarkException {
        ByteBuffer out = ByteBuffer.wrap(Request.multibulk(args).bytes());
        ByteBuffer in = ByteBuffer.allocate(Client.READ_BUFFER);
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        ReplyScanner scanner = new ReplyScanner();
        long deadline = System.nanoTime() + replyTimeoutMillis * 1_000_000;
        int[] replies = {0};
        try {
            connection.write(out);
            connection.awaitWritable(out.hasRemaining());
            while (replies[0] == 0) {
                checkDeadline(deadline, args[0]);
                poller.poll(50, (c, readable, writable) -> {
                    if (writable) {
                        c.write(out);
                        c.awaitWritable(out.hasRemaining());
                    }
                    if (!readable) {
                        return;
                    }
                    int n = c.read(in);
                    if (n < 0) {
                        throw new IOException("the server closed the connection");
                    }
                    in.flip();
                    reply.write(in.array(), in.position(), in.remaining());
                    try {
                        replies[0] += scanner.scan(in);
                    } catch (ReplyScanner.ProtocolException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                    in.clear();
                });
            }
        } catch (IOException e) {
            throw new BenchmarkException(args[0] + ": " + e.getMessage() + " (" + peer + ")", e);
        }
        return decode(reply.toByteArray(), new int[] {0});
    }

    private void checkDeadline(long deadline, String command) throws BenchmarkException {
        if (System.nanoTime() > deadline) {
            throw new BenchmarkException(command + ": no reply from " + peer + " within " + replyTimeoutMillis
                + " ms (--reply-timeout)");
        }
    }

    /** Decodes one complete RESP2 reply (the scanner has checked its framing). */
    static Object decode(byte[] b, int[] pos) {
        byte type = b[pos[0]++];
        int lineEnd = pos[0];
        while (b[lineEnd] != '\r') {
            lineEnd++;
        }
        String line = new String(b, pos[0], lineEnd - pos[0], StandardCharsets.UTF_8);
        pos[0] = lineEnd + 2;
        switch (type) {
            case '+':
                return line;
            case '-':
                return new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int len = Integer.parseInt(line);
                if (len < 0) {
                    return null;
                }
                String s = new String(b, pos[0], len, StandardCharsets.UTF_8);
                pos[0] += len + 2;
                return s;
            }
            default: {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(decode(b, pos));
                }
                return items;
            }
        }
    }

    @Override
    public void close() throws IOException {
        poller.close();
    }

    private static void closeQuietly(Poller poller, Exception into) {
        if (poller != null) {
            try {
                poller.close();
            } catch (IOException e) {
                into.addSuppressed(e);
            }
        }
    }
}
