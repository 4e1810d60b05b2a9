package dev.rkv.rdma.soft;

import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.RdmaConnectException;
import dev.rkv.rdma.ResourceClosedException;
import jdk.net.ExtendedSocketOptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A soft-transport listener. One thread per listener runs a selector over the listening
 * socket and every connection still in the handshake; it accepts pairs of TCP connections
 * (see {@link Handshake}) and queues them for {@link #accept}. What peers can hold is bounded
 * by {@link ListenerLimits}: handshakes in flight (the oldest is dropped for a new one), one
 * deadline for the whole handshake, endpoints (refused with REPLY_FULL over the limit), and
 * an optional idle timeout. Accept failures (EMFILE and the like) are logged and retried with
 * a growing pause, never allowed to end the loop.
 */
final class SoftListener implements ConnectionListener {
    private static final System.Logger LOG = System.getLogger(SoftListener.class.getName());
    /** How often deadlines are checked when nothing happens. */
    private static final long TICK_MILLIS = 50;
    /** Accepts per wake-up, so a flood of connections cannot starve handshakes in progress. */
    private static final int ACCEPT_BATCH = 256;
    private static final long BACKOFF_MIN_MILLIS = 10;
    private static final long BACKOFF_MAX_MILLIS = 1000;

    /** A connection request whose two TCP connections have both arrived, until accepted or expired. */
    private record Request(SocketChannel first, SocketChannel second, byte[] peerInfo, long deadlineNanos) {
    }

    private final SoftDevice device;
    private final ListenerLimits limits;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final SelectionKey acceptKey;
    private final InetSocketAddress address;
    private final Thread loop;

    // Owned by the listener thread.
    /** Connections in the handshake, oldest first. */
    private final LinkedHashMap<SocketChannel, PendingConnection> handshakes = new LinkedHashMap<>();
    /** First connections waiting for their second, by token (also in {@link #handshakes}). */
    private final Map<String, PendingConnection> halves = new HashMap<>();
    /** Joined pairs whose keys were cancelled, to be made blocking once the selector forgot them. */
    private final List<Request> joined = new ArrayList<>();
    private final ThrottledWarning peerWarnings = new ThrottledWarning(10, TimeUnit.SECONDS);
    private final ThrottledWarning acceptWarnings = new ThrottledWarning(10, TimeUnit.SECONDS);
    private long acceptBackoffMillis;
    private long acceptResumeNanos;

    // Shared with accept() on application threads.
    private final LinkedBlockingQueue<Request> ready = new LinkedBlockingQueue<>();
    /** Requests past the handshake not yet endpoints: queued, or inside accept(). */
    private final Set<Request> admitted = ConcurrentHashMap.newKeySet();
    /** Endpoints accepted here; they count against the limit while their connections are open. */
    private final Set<SoftEndpoint> accepted = ConcurrentHashMap.newKeySet();
    /** Held while an accepted endpoint moves from {@code admitted} to {@code accepted}, and while they are counted. */
    private final Object slotCount = new Object();
    private volatile boolean closed;
    private volatile Runnable onPending;

    SoftListener(SoftDevice device, String host, int port, ListenerLimits limits) throws IOException {
        this.device = device;
        this.limits = limits;
        this.server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(host, port), 1024);
            server.configureBlocking(false);
            this.selector = Selector.open();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        this.acceptKey = server.register(selector, SelectionKey.OP_ACCEPT);
        this.address = (InetSocketAddress) server.getLocalAddress();
        this.loop = new Thread(this::run, "rkv-" + device.provider() + "-listener-" + address.getPort());
        loop.setDaemon(true);
        loop.start();
    }

    // ------------------------------------------------------------------ listener thread

    private void run() {
        try {
            while (!closed) {
                try {
                    selector.select(TICK_MILLIS);
                    long now = System.nanoTime();
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey k = it.next();
                        it.remove();
                        if (k == acceptKey) {
                            acceptPending(now);
                        } else if (k.isValid()) {
                            serve((PendingConnection) k.attachment(), now);
                        }
                    }
                    handOverJoined();
                    expire(now);
                    resumeAccepting(now);
                } catch (ClosedSelectorException e) {
                    return;
                } catch (Throwable e) {
                    // A dead listener would refuse every later peer: whatever failed, log it,
                    // pause so a persistent failure cannot spin, and go on.
                    device.reportError("listener " + address, e);
                    acceptWarnings.log("rkv " + device.provider() + " listener " + address + ": unexpected error, "
                            + "continuing: " + e);
                    pause();
                }
            }
        } finally {
            shutDown();
        }
    }

    private void acceptPending(long now) {
        for (int i = 0; i < ACCEPT_BATCH; i++) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                // EMFILE, ENFILE, ENOBUFS ...: the connection stays queued in the kernel; stop
                // asking for a while instead of failing on it in a tight loop.
                acceptBackoffMillis = acceptBackoffMillis == 0 ? BACKOFF_MIN_MILLIS
                        : Math.min(BACKOFF_MAX_MILLIS, acceptBackoffMillis * 2);
                acceptResumeNanos = now + TimeUnit.MILLISECONDS.toNanos(acceptBackoffMillis);
                acceptKey.interestOps(0);
                device.reportError("accept on " + address, e);
                acceptWarnings.log("rkv " + device.provider() + " listener " + address + ": accept failed (" + e
                        + "); retrying in " + acceptBackoffMillis + " ms");
                return;
            }
            if (ch == null) {
                break;
            }
            acceptBackoffMillis = 0;
            admit(ch, now);
        }
    }

    private void resumeAccepting(long now) {
        if (acceptKey.interestOps() == 0 && now - acceptResumeNanos >= 0 && acceptKey.isValid()) {
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    private void admit(SocketChannel ch, long now) {
        try {
            if (handshakes.size() >= limits.maxHandshakes()) {
                // The oldest is the likeliest to be idle or slow; a prompt peer finishes long
                // before maxHandshakes newer connections push it out.
                PendingConnection oldest = handshakes.values().iterator().next();
                drop(oldest, "dropped: " + limits.maxHandshakes() + " handshakes in progress ("
                        + ListenerLimits.MAX_HANDSHAKES + ")");
            }
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
            PendingConnection pc = new PendingConnection(ch, key, now + limits.handshakeTimeout().toNanos());
            key.attach(pc);
            handshakes.put(ch, pc);
        } catch (IOException | RuntimeException e) {
            device.reportError("setting up a connection to " + address, e);
            closeQuietly(ch);
        }
    }

    private void serve(PendingConnection pc, long now) {
        try {
            ByteBuffer received = pc.read();
            if (received == null) {
                forget(pc);
                closeQuietly(pc.channel);
                return;
            }
            if (pc.token() != null) {
                throw new IOException("sent data while waiting for its second connection");
            }
            Handshake.Hello hello = Handshake.parseHello(received);
            if (hello == null) {
                return;
            }
            if (hello.isNew()) {
                onHello(pc, hello, now);
            } else {
                onJoin(pc, hello);
            }
        } catch (IOException e) {
            drop(pc, "handshake failed: " + e.getMessage());
        }
    }

    private void onHello(PendingConnection pc, Handshake.Hello hello, long now) throws IOException {
        if (!hello.provider().equals(device.provider())) {
            reply(pc, Wire.REPLY_REFUSED, new byte[0]);
            drop(pc, "refused: it is a '" + hello.provider() + "' client, this is a '" + device.provider() + "' listener");
            return;
        }
        int inUse = endpointsInUse();
        if (inUse >= limits.maxEndpoints()) {
            String why = "endpoint limit of " + limits.maxEndpoints() + " reached (" + ListenerLimits.MAX_ENDPOINTS + ")";
            reply(pc, Wire.REPLY_FULL, why.getBytes(StandardCharsets.UTF_8));
            drop(pc, "refused: " + why);
            return;
        }
        if (halves.containsKey(hello.token())) {
            throw new IOException("reused a connection token");
        }
        pc.awaitJoin(hello.token(), hello.info(), now + limits.handshakeTimeout().toNanos());
        halves.put(hello.token(), pc);
        reply(pc, Wire.REPLY_OK, device.localInfo());
    }

    /** Writes a short reply without blocking; a peer that cannot take a few bytes is dropped. */
    private static void reply(PendingConnection pc, byte status, byte[] info) throws IOException {
        ByteBuffer b = Handshake.reply(status, info).flip();
        pc.channel.write(b);
        if (b.hasRemaining()) {
            throw new IOException("does not read the handshake reply");
        }
    }

    private void onJoin(PendingConnection second, Handshake.Hello hello) throws IOException {
        PendingConnection first = halves.remove(hello.token());
        if (first == null) {
            throw new IOException("joined an unknown or expired connection token");
        }
        handshakes.remove(first.channel);
        handshakes.remove(second.channel);
        first.key.cancel();
        second.key.cancel();
        Request r = new Request(first.channel, second.channel, first.peerInfo(),
                System.nanoTime() + limits.handshakeTimeout().toNanos());
        // Counted from now on, so a burst of hellos cannot overshoot the endpoint limit.
        admitted.add(r);
        joined.add(r);
    }

    /** Queues joined pairs for accept(): blocking mode is allowed once the selector dropped their keys. */
    private void handOverJoined() throws IOException {
        if (joined.isEmpty()) {
            return;
        }
        selector.selectNow();
        for (Request r : joined) {
            try {
                for (SocketChannel ch : new SocketChannel[] {r.first, r.second}) {
                    ch.configureBlocking(true);
                    keepAlive(ch);
                }
                ready.add(r);
                notifyPending();
            } catch (IOException | RuntimeException e) {
                admitted.remove(r);
                device.reportError("handing over a connection to " + address, e);
                closeQuietly(r.first);
                closeQuietly(r.second);
            }
        }
        joined.clear();
    }

    /** TCP keepalive on a connection that becomes an endpoint, so a vanished peer host is noticed. */
    private void keepAlive(SocketChannel ch) throws IOException {
        long seconds = limits.tcpKeepalive().toSeconds();
        if (seconds == 0) {
            return;
        }
        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        Set<java.net.SocketOption<?>> supported = ch.supportedOptions();
        if (supported.contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
            // As Redis does: probes after the idle time, three probes a third of it apart.
            ch.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) seconds);
            ch.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) Math.max(1, seconds / 3));
            ch.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
        }
    }

    private void expire(long now) {
        List<PendingConnection> late = new ArrayList<>();
        for (PendingConnection pc : handshakes.values()) {
            if (pc.expired(now)) {
                late.add(pc);
            }
        }
        for (PendingConnection pc : late) {
            drop(pc, "dropped: handshake not complete within " + limits.handshakeTimeout().toMillis() + " ms ("
                    + ListenerLimits.HANDSHAKE_TIMEOUT_MS + ")");
        }
        for (Request r : ready) {
            if (now - r.deadlineNanos > 0 && ready.remove(r)) {
                admitted.remove(r);
                closeQuietly(r.first);
                closeQuietly(r.second);
                peerWarnings.log("rkv " + device.provider() + " listener " + address + ": refused a connection from "
                        + remoteOf(r.first) + ": not accepted by the application within "
                        + limits.handshakeTimeout().toMillis() + " ms");
            }
        }
        accepted.removeIf(SoftEndpoint::connectionsClosed);
        long idle = limits.idleTimeout().toNanos();
        if (idle > 0) {
            for (SoftEndpoint ep : accepted) {
                ep.closeIfIdle(now, idle);
            }
        }
    }

    /** Endpoints that count against the limit: admitted requests, waiting halves, live accepted endpoints. */
    private int endpointsInUse() {
        synchronized (slotCount) {
            accepted.removeIf(SoftEndpoint::connectionsClosed);
            return admitted.size() + halves.size() + accepted.size();
        }
    }

    private void drop(PendingConnection pc, String why) {
        forget(pc);
        closeQuietly(pc.channel);
        device.reportError("connection from " + pc, new IOException(why));
        peerWarnings.log("rkv " + device.provider() + " listener " + address + ": connection from " + pc + " " + why);
    }

    private void forget(PendingConnection pc) {
        pc.key.cancel();
        handshakes.remove(pc.channel);
        if (pc.token() != null) {
            halves.remove(pc.token(), pc);
        }
    }

    private void pause() {
        try {
            Thread.sleep(TICK_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private void shutDown() {
        for (PendingConnection pc : handshakes.values()) {
            closeQuietly(pc.channel);
        }
        handshakes.clear();
        halves.clear();
        for (Request r : joined) {
            admitted.remove(r);
            closeQuietly(r.first);
            closeQuietly(r.second);
        }
        joined.clear();
        try {
            selector.close();
        } catch (IOException e) {
            device.reportError("closing the selector of " + address, e);
        }
        try {
            server.close();
        } catch (IOException e) {
            device.reportError("closing listener " + address, e);
        }
        refuseReady();
    }

    // ------------------------------------------------------------------ application side

    @Override
    public void setListener(Runnable l) {
        this.onPending = l;
        if (l != null && !ready.isEmpty()) {
            l.run();
        }
    }

    private void notifyPending() {
        Runnable l = onPending;
        if (l != null) {
            l.run();
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return address;
    }

    @Override
    public Endpoint accept(EndpointOptions options, long timeout, TimeUnit unit) throws InterruptedException {
        if (closed) {
            throw new ResourceClosedException("listener " + address + " is closed");
        }
        Request r = ready.poll(timeout, unit);
        if (r == null) {
            if (closed) {
                throw new ResourceClosedException("listener " + address + " is closed");
            }
            return null;
        }
        try {
            // The accepting side sends its requests on the second connection.
            SoftEndpoint ep = device.newEndpoint(options, r.second, r.first, r.peerInfo);
            synchronized (slotCount) {
                // One step for the counter: between the two, the endpoint counted twice and a
                // listener one short of its limit refused the next connection.
                accepted.add(ep);
                admitted.remove(r);
            }
            ByteBuffer ok = ByteBuffer.allocate(1).put(Wire.ACCEPTED);
            Handshake.writeFully(r.first, ok);
            ep.start();
            return ep;
        } catch (IOException e) {
            closeQuietly(r.first);
            closeQuietly(r.second);
            throw new RdmaConnectException("accepting a connection on " + address + " failed: " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(r.first);
            closeQuietly(r.second);
            throw e;
        } finally {
            // A failed accept gives its slot back (a successful one moved it to accepted above).
            admitted.remove(r);
        }
    }

    private void refuseReady() {
        Request r;
        while ((r = ready.poll()) != null) {
            admitted.remove(r);
            closeQuietly(r.first);
            closeQuietly(r.second);
        }
    }

    private static String remoteOf(SocketChannel ch) {
        try {
            return String.valueOf(ch.getRemoteAddress());
        } catch (IOException e) {
            return "a closed connection";
        }
    }

    private void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            device.reportError("closing a refused connection", e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        selector.wakeup();
        if (Thread.currentThread() != loop) {
            try {
                loop.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Requests queued while the loop was stopping.
        refuseReady();
        device.removeListener(this);
    }
}
