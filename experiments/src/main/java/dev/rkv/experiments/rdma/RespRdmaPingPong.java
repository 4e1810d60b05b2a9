package dev.rkv.experiments.rdma;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.Completion;
import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RecvRequest;
import dev.rkv.rdma.WorkRequest;
import dev.rkv.resprdma.RespRdmaChannel;
import dev.rkv.resprdma.RespRdmaListener;
import dev.rkv.resprdma.RespRdmaOptions;
import dev.rkv.resprdma.RespRdmaStreams;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One client, one request in flight: where the round-trip time of RESP over RDMA goes.
 * <ul>
 *   <li>{@code raw PROVIDER N}: the SPI alone, a 14-byte WRITE_WITH_IMM answered by a 7-byte one,
 *       both sides blocking in {@code CompletionQueue.await};</li>
 *   <li>{@code channel PROVIDER N}: the same through {@code RespRdmaStreams} on both sides, in one process;</li>
 *   <li>{@code server tcp|PROVIDER PORT N [PIPELINE]}: PING against a running rkv server.</li>
 * </ul>
 * Prints one line: microseconds per round trip (second of two rounds, the first warms up).
 */
public final class RespRdmaPingPong {
    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private RespRdmaPingPong() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "raw" -> raw(args[1], Integer.parseInt(args[2]));
            case "channel" -> channel(args[1], Integer.parseInt(args[2]));
            case "server" -> server(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                args.length > 4 ? Integer.parseInt(args[4]) : 1);
            default -> throw new IllegalArgumentException("mode raw|channel|server, got " + args[0]);
        }
        System.exit(0);
    }

    private static void report(String what, long nanos, int roundTrips, int requests) {
        System.out.printf("%s: %.1f us per round trip, %.0f requests/s%n", what, nanos / 1e3 / roundTrips,
            requests * 1e9 / nanos);
    }

    private static void raw(String provider, int n) throws Exception {
        RdmaDevice sd = Providers.open(provider);
        RdmaDevice cd = Providers.open(provider);
        ConnectionListener l = sd.listen("127.0.0.1", 0);
        CompletionQueue scq = sd.createCompletionQueue(2048);
        CompletionQueue ccq = cd.createCompletionQueue(2048);
        ExecutorService pool = Executors.newCachedThreadPool();
        Future<Endpoint> cf = pool.submit(() -> cd.connect("127.0.0.1", l.localAddress().getPort(), EndpointOptions.of(ccq)));
        Endpoint s = l.accept(EndpointOptions.of(scq));
        Endpoint c = cf.get();
        MemoryRegion srx = sd.allocate(65536, Access.LOCAL_WRITE | Access.REMOTE_WRITE);
        MemoryRegion crx = cd.allocate(65536, Access.LOCAL_WRITE | Access.REMOTE_WRITE);
        MemoryRegion stx = sd.allocate(65536, Access.LOCAL_WRITE);
        MemoryRegion ctx = cd.allocate(65536, Access.LOCAL_WRITE);
        for (int i = 0; i < 512; i++) {
            s.postRecv(RecvRequest.immOnly(i));
            c.postRecv(RecvRequest.immOnly(i));
        }
        pool.submit(() -> {
            Completion[] buf = new Completion[16];
            while (true) {
                int k = scq.await(buf, 16, 1, TimeUnit.SECONDS);
                for (int i = 0; i < k; i++) {
                    if (buf[i].isRecv()) {
                        s.postRecv(RecvRequest.immOnly(1));
                        post(s, WorkRequest.writeWithImm(1, stx.sge(0, 7), crx.address(), crx.rkey(), 7)
                            .withSignaled(false));
                    }
                }
            }
        });
        Completion[] buf = new Completion[16];
        long t = 0;
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                post(c, WorkRequest.writeWithImm(1, ctx.sge(0, 14), srx.address(), srx.rkey(), 14).withSignaled(false));
                boolean got = false;
                while (!got) {
                    int k = ccq.await(buf, 16, 1, TimeUnit.SECONDS);
                    for (int j = 0; j < k; j++) {
                        if (buf[j].isRecv()) {
                            got = true;
                            c.postRecv(RecvRequest.immOnly(1));
                        }
                    }
                }
            }
            t = System.nanoTime() - t0;
        }
        report("raw SPI " + provider, t, n, n);
    }

    /**
     * Posts, retrying while the send queue is full. Unsignaled writes hold their slots until the
     * peer's acknowledgement covers them; a post refused then (postSend returns false) and ignored
     * would lose the ping and leave the loop waiting for a reply forever.
     */
    private static void post(Endpoint ep, WorkRequest wr) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ep.postSend(wr)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("send queue stayed full for 10 s (state " + ep.state() + ")");
            }
            Thread.sleep(0, 100_000);
        }
    }

    private static void channel(String provider, int n) throws Exception {
        RdmaDevice sd = Providers.open(provider);
        RdmaDevice cd = Providers.open(provider);
        RespRdmaListener l = RespRdmaListener.listen(sd, "127.0.0.1", 0, RespRdmaOptions.defaults());
        ExecutorService pool = Executors.newCachedThreadPool();
        Future<RespRdmaChannel> cf = pool.submit(() -> RespRdmaChannel.connect(cd, "127.0.0.1",
            l.localAddress().getPort(), RespRdmaOptions.defaults()));
        RespRdmaStreams server = RespRdmaStreams.of(l.accept(10, TimeUnit.SECONDS));
        RespRdmaStreams client = RespRdmaStreams.of(cf.get());
        pool.submit(() -> {
            byte[] b = new byte[14];
            DataInputStream in = new DataInputStream(server.input());
            while (true) {
                in.readFully(b);
                server.output().write(b, 0, 7);
                server.output().flush();
            }
        });
        byte[] b = new byte[14];
        DataInputStream in = new DataInputStream(client.input());
        long t = 0;
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                client.output().write(b);
                client.output().flush();
                in.readFully(b, 0, 7);
            }
            t = System.nanoTime() - t0;
        }
        report("RespRdmaStreams " + provider, t, n, n);
    }

    private static void server(String transport, int port, int n, int pipeline) throws Exception {
        InputStream in;
        OutputStream out;
        RdmaDevice dev = null;
        if (transport.equals("tcp")) {
            Socket s = new Socket("127.0.0.1", port);
            s.setTcpNoDelay(true);
            in = s.getInputStream();
            out = s.getOutputStream();
        } else {
            dev = Providers.open(transport);
            RespRdmaStreams st = RespRdmaStreams.of(RespRdmaChannel.connect(dev, "127.0.0.1", port,
                RespRdmaOptions.defaults()));
            in = st.input();
            out = st.output();
        }
        DataInputStream din = new DataInputStream(new BufferedInputStream(in, 65536));
        byte[] batch = new byte[PING.length * pipeline];
        for (int i = 0; i < pipeline; i++) {
            System.arraycopy(PING, 0, batch, i * PING.length, PING.length);
        }
        byte[] replies = new byte[7 * pipeline];
        int rounds = n / pipeline;
        long t = 0;
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                out.write(batch);
                out.flush();
                din.readFully(replies);
            }
            t = System.nanoTime() - t0;
        }
        report("rkv server PING over " + transport + " -P " + pipeline, t, rounds, rounds * pipeline);
    }
}
