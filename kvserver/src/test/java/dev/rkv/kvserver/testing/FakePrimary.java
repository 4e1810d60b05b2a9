package dev.rkv.kvserver.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A primary that does the handshake (PING, AUTH, REPLCONF answered as Redis does) and then
 * answers PSYNC with whatever the test scripts: garbage, a truncated RDB, a stall. Every
 * connection of the replica runs the script again, so retries can be counted. The script may
 * change between connections ({@link #answer}), e.g. to turn good after a few failures.
 */
public final class FakePrimary implements AutoCloseable {
    /** What the fake does once PSYNC arrived. */
    @FunctionalInterface
    public interface PsyncAnswer {
        void answer(String[] psync, OutputStream out, InputStream in) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger psyncs = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile PsyncAnswer answer;
    private volatile boolean closed;

    public FakePrimary(PsyncAnswer answer) throws IOException {
        this.answer = answer;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "fake-primary-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** An answer that writes {@code bytes} and then closes the connection. */
    public static PsyncAnswer writeAndClose(String bytes) {
        return writeAndClose(bytes.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static PsyncAnswer writeAndClose(byte[] bytes) {
        return (psync, out, in) -> out.write(bytes);
    }

    /** An answer that writes {@code bytes} and then keeps the connection open, silent, until the replica leaves. */
    public static PsyncAnswer writeAndStall(String bytes) {
        return (psync, out, in) -> {
            out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            while (in.read() >= 0) {
                // wait for the replica to give up (its repl-timeout)
            }
        };
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections the replica made so far. */
    public int connections() {
        return connections.get();
    }

    /** PSYNCs the replica sent so far: each is one sync attempt. */
    public int psyncs() {
        return psyncs.get();
    }

    public void answer(PsyncAnswer next) {
        this.answer = next;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "fake-primary-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String[] argv = readCommand(in);
                if (argv == null) {
                    return;
                }
                switch (argv[0].toUpperCase()) {
                    case "PING" -> out.write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                    case "PSYNC", "SYNC" -> {
                        psyncs.incrementAndGet();
                        answer.answer(argv, out, in);
                        out.flush();
                        return;
                    }
                    default -> out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the replica went away: that is what the tests provoke
        } finally {
            open.remove(s);
        }
    }

    /** One multibulk command, or null at the end of the stream. */
    private static String[] readCommand(InputStream in) throws IOException {
        String header = line(in);
        if (header == null) {
            return null;
        }
        if (!header.startsWith("*")) {
            return header.trim().split(" +");
        }
        int n = Integer.parseInt(header.substring(1));
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = Integer.parseInt(line(in).substring(1));
            byte[] b = in.readNBytes(len + 2);
            argv.add(new String(b, 0, len, StandardCharsets.ISO_8859_1));
        }
        return argv.toArray(new String[0]);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
