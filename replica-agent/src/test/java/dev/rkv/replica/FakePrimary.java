package dev.rkv.replica;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A primary that says what the test wants: a real TCP server speaking just enough RESP for a
 * replica's handshake and {@code RKVSYNC DESCRIPTOR} (PSYNC is refused, so a link that falls
 * back to the classic sync fails and retries), and a real RDMA device with one registered
 * region whose bytes the test writes. The descriptor names that region unless the test
 * overrides fields with garbage.
 */
final class FakePrimary implements AutoCloseable {
    static final String REPLID = "f".repeat(40);

    private final RdmaDevice device;
    private final MemoryRegion region;
    private final CompletionQueue cq;
    private final ConnectionListener rdmaListener;
    private final ServerSocket resp;
    private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger descriptorRequests = new AtomicInteger();
    private final Map<String, String> overrides = new TreeMap<>();
    private volatile int advertisedRdmaPort;
    private volatile boolean closed;

    FakePrimary(String provider, long regionBytes) throws IOException {
        device = Providers.open(provider);
        region = device.allocate(regionBytes, Access.LOCAL_WRITE | Access.REMOTE_READ);
        cq = device.createCompletionQueue(1024);
        rdmaListener = device.listen("127.0.0.1", 0);
        advertisedRdmaPort = rdmaListener.localAddress().getPort();
        resp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("fake-primary-rdma-accept", this::acceptEndpoints);
        daemon("fake-primary-resp-accept", this::acceptClients);
    }

    /** The RESP port replicas REPLICAOF to. */
    int port() {
        return resp.getLocalPort();
    }

    /** The port the RDMA listener really listens on. */
    int rdmaPort() {
        return rdmaListener.localAddress().getPort();
    }

    /** Makes the descriptor name another RDMA port (a proxy in front of the real one). */
    void advertiseRdmaPort(int port) {
        advertisedRdmaPort = port;
    }

    /** The registered region's bytes, for the test to write a table (or garbage) into. */
    ByteBuffer table() {
        return region.buffer();
    }

    /** Replaces a descriptor field with any text (garbage included); later calls win. */
    synchronized void override(String field, String value) {
        overrides.put(field, value);
    }

    int descriptorRequests() {
        return descriptorRequests.get();
    }

    /** The primary disappears from the RDMA side: endpoints, region and device go away at once. */
    void vanishRdma() {
        device.close();
    }

    synchronized String descriptor() {
        Map<String, String> d = new TreeMap<>();
        d.put("provider", device.provider());
        d.put("host", "127.0.0.1");
        d.put("port", Integer.toString(advertisedRdmaPort));
        d.put("address", Long.toString(region.address()));
        d.put("length", Long.toString(region.length()));
        d.put("rkey", Integer.toString(region.rkey()));
        d.put("epoch", "1");
        d.put("replid", REPLID);
        d.put("offset", "100");
        d.put("streamdb", "0");
        d.putAll(overrides);
        StringBuilder sb = new StringBuilder("rkv-descriptor=1\n");
        d.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    // ------------------------------------------------------------------ RDMA side

    private void acceptEndpoints() {
        EndpointOptions opts = EndpointOptions.of(cq).withDepths(1, 1);
        while (!closed) {
            try {
                Endpoint ep = rdmaListener.accept(opts, 100, TimeUnit.MILLISECONDS);
                if (ep != null) {
                    endpoints.add(ep);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RdmaException e) {
                // Closed (the test made the primary vanish): nothing more to accept.
                return;
            }
        }
    }

    // ------------------------------------------------------------------ RESP side

    private void acceptClients() {
        while (!closed) {
            try {
                Socket s = resp.accept();
                clients.add(s);
                daemon("fake-primary-client", () -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (List<String> cmd = readCommand(in); cmd != null; cmd = readCommand(in)) {
                String name = cmd.isEmpty() ? "" : cmd.get(0).toUpperCase(java.util.Locale.ROOT);
                String reply = switch (name) {
                    case "PING" -> "+PONG\r\n";
                    case "AUTH", "REPLCONF" -> "+OK\r\n";
                    case "RKVSYNC" -> {
                        descriptorRequests.incrementAndGet();
                        byte[] d = descriptor().getBytes(StandardCharsets.UTF_8);
                        yield "$" + d.length + "\r\n" + new String(d, StandardCharsets.UTF_8) + "\r\n";
                    }
                    default -> "-ERR this fake primary does not do " + name + "\r\n";
                };
                out.write(reply.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // The replica closed or reset the connection: this client is done.
        }
    }

    /** One RESP array of bulk strings, or null at the end of the stream. */
    private static List<String> readCommand(InputStream in) throws IOException {
        String header = readLine(in);
        if (header == null) {
            return null;
        }
        if (!header.startsWith("*")) {
            return List.of(header.trim().split(" "));
        }
        int n = Integer.parseInt(header.substring(1));
        List<String> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String len = readLine(in);
            if (len == null) {
                return null;
            }
            byte[] b = in.readNBytes(Integer.parseInt(len.substring(1)) + 2);
            args.add(new String(b, 0, Math.max(0, b.length - 2), StandardCharsets.UTF_8));
        }
        return args;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') {
                return sb.toString().replace("\r", "");
            }
            sb.append((char) c);
        }
        return null;
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        try {
            resp.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : clients) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        device.close();
    }
}
