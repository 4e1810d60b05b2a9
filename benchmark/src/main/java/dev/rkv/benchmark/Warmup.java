package dev.rkv.benchmark;

import dev.rkv.benchmark.transport.tcp.TcpTransport;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the load loop for a moment against a stub server inside this process, never the server
 * being measured, so that the JIT has compiled it before the first test's clock starts.
 *
 * <p>Why: a test of 200,000 requests with {@code -P 16} lasts about 0.3 s, and on a 2-core machine
 * a cold JVM spends most of that interpreting the loop and compiling it on the core the client
 * needs; measured, the first test came out 10-17% below redis-benchmark and the same test in a warm
 * JVM level with it. The stub answers every request it reads, alternately with {@code +OK} and with
 * a bulk of the {@code -d} size, so both reply shapes are compiled.
 */
final class Warmup {
    /** Requests of one warm-up round, fewer for large requests (at most {@value #MAX_ROUND_BYTES} bytes). */
    static final long ROUND_REQUESTS = 20_000;
    static final long MIN_ROUND_REQUESTS = 500;
    static final long MAX_ROUND_BYTES = 16L << 20;
    static final int CLIENTS = 4;
    /** The JIT counts as done when a round added less compilation time than this. */
    static final long QUIET_COMPILE_MILLIS = 2;
    /** Warm for at least this long, however quiet the JIT looks: it compiles in bursts. */
    static final long MIN_MILLIS = 400;
    static final long MAX_MILLIS = 1500;

    private Warmup() {
    }

    /**
     * Runs rounds against the stub until a round leaves the JIT quiet (its compilation time grows by
     * less than {@value #QUIET_COMPILE_MILLIS} ms) or {@value #MAX_MILLIS} ms have passed.
     */
    static void run(BenchmarkOptions options, Request request) throws BenchmarkException, InterruptedException {
        long requests = Math.max(MIN_ROUND_REQUESTS, Math.min(ROUND_REQUESTS, MAX_ROUND_BYTES / request.length()));
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        long earliest = start + MIN_MILLIS * 1_000_000;
        long deadline = start + MAX_MILLIS * 1_000_000;
        try (StubServer stub = new StubServer(request.length(), options.dataSize())) {
            BenchmarkOptions warm = new BenchmarkOptions("127.0.0.1", stub.port(), null, null, CLIENTS, requests,
                options.dataSize(), options.keyspace(), options.pipeline(), null, 1, true, false, options.precision(),
                0, false, null, options.replyTimeoutMillis(), List.of());
            for (int round = 1, quiet = 0; System.nanoTime() < deadline; round++) {
                long compiled = timed ? jit.getTotalCompilationTime() : 0;
                new TestRun(warm, new TcpTransport(), "warm-up", request, null, 0).execute(null);
                quiet = timed && jit.getTotalCompilationTime() - compiled < QUIET_COMPILE_MILLIS ? quiet + 1 : 0;
                if (quiet >= 2 && System.nanoTime() > earliest) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new BenchmarkException("warm-up against an in-process stub server: " + e.getMessage(), e);
        }
    }

    /** Answers each fixed-length request it reads; one thread per connection. */
    private static final class StubServer implements AutoCloseable {
        private final ServerSocketChannel server;
        private final int requestLength;
        private final byte[] ok = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
        private final byte[] bulk;
        private final List<Thread> threads = new ArrayList<>();
        private final List<SocketChannel> connections = new ArrayList<>();

        StubServer(int requestLength, int dataSize) throws IOException {
            this.requestLength = requestLength;
            int size = Math.min(dataSize, 64 * 1024);
            byte[] head = ("$" + size + "\r\n").getBytes(StandardCharsets.US_ASCII);
            this.bulk = new byte[head.length + size + 2];
            System.arraycopy(head, 0, bulk, 0, head.length);
            java.util.Arrays.fill(bulk, head.length, head.length + size, (byte) 'x');
            bulk[bulk.length - 2] = '\r';
            bulk[bulk.length - 1] = '\n';
            this.server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            Thread acceptor = new Thread(this::accept, "rkv-benchmark-warmup-accept");
            acceptor.setDaemon(true);
            synchronized (this) {
                threads.add(acceptor);
            }
            acceptor.start();
        }

        int port() throws IOException {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        }

        private void accept() {
            try {
                while (true) {
                    SocketChannel c = server.accept();
                    Thread t = new Thread(() -> serve(c), "rkv-benchmark-warmup-stub");
                    t.setDaemon(true);
                    synchronized (this) {
                        connections.add(c);
                        threads.add(t);
                    }
                    t.start();
                }
            } catch (IOException closed) {
                // The stub was closed: the warm-up is over.
                return;
            }
        }

        private void serve(SocketChannel c) {
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            ByteBuffer out = ByteBuffer.allocate(Math.max(64 * 1024, bulk.length));
            long consumed = 0;
            long answered = 0;
            try {
                for (int n; (n = c.read(in)) >= 0; in.clear()) {
                    consumed += n;
                    for (long due = consumed / requestLength; answered < due; answered++) {
                        byte[] reply = (answered & 1) == 0 ? ok : bulk;
                        if (out.remaining() < reply.length) {
                            drain(c, out);
                        }
                        out.put(reply);
                    }
                    drain(c, out);
                }
            } catch (IOException closed) {
                // The client side closed at the end of the warm-up.
                return;
            }
        }

        private static void drain(SocketChannel c, ByteBuffer out) throws IOException {
            out.flip();
            while (out.hasRemaining()) {
                c.write(out);
            }
            out.clear();
        }

        @Override
        public void close() throws IOException, InterruptedException {
            server.close();
            List<Thread> started;
            synchronized (this) {
                for (SocketChannel c : connections) {
                    c.close();
                }
                started = List.copyOf(threads);
            }
            for (Thread t : started) {
                t.join(1000);
            }
        }
    }
}
