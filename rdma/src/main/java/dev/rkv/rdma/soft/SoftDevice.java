package dev.rkv.rdma.soft;

import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.ListenerFullException;
import dev.rkv.rdma.RdmaConnectException;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaException;
import dev.rkv.rdma.RegistrationException;
import dev.rkv.rdma.ResourceClosedException;
import dev.rkv.rdma.support.BasicCompletionQueue;
import dev.rkv.rdma.support.BasicRegion;
import dev.rkv.rdma.support.RegionTable;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device of the soft transport: a region table, completion queues, listeners and
 * endpoints, plus a watchdog that fails endpoints whose peer stopped answering.
 *
 * <p>The {@code shm} provider reuses this engine with a {@link OneSided} that executes READ
 * and WRITE by copying from the peer's mapped memory; with {@code oneSided == null} every
 * request goes over TCP.
 */
public final class SoftDevice implements RdmaDevice {
    private static final System.Logger LOG = System.getLogger(SoftDevice.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String provider;
    private final java.nio.file.Path tmpfs;
    private final OneSided oneSided;
    private final ListenerLimits listenerLimits;
    private final RegionTable regions = new RegionTable();
    private final Set<SoftEndpoint> endpoints = ConcurrentHashMap.newKeySet();
    private final Set<SoftListener> listeners = ConcurrentHashMap.newKeySet();
    private final Set<BasicCompletionQueue> cqs = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong quietCloses = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param provider       the provider name peers must match in the handshake
     * @param oneSided       local execution of READ/WRITE, or null to send everything over TCP
     * @param listenerLimits what each listener of this device lets peers hold
     * @param tmpfs          where regions of {@link TmpfsMemory#MIN_BYTES} and more are reserved
     *                       ({@link dev.rkv.rdma.DeviceOptions#shmDirectory()}), or null for direct buffers only
     */
    public SoftDevice(String provider, OneSided oneSided, ListenerLimits listenerLimits, java.nio.file.Path tmpfs) {
        this.provider = provider;
        this.tmpfs = tmpfs;
        this.oneSided = oneSided;
        this.listenerLimits = listenerLimits;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rkv-" + provider + "-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::checkEndpoints, 50, 50, TimeUnit.MILLISECONDS);
    }

    @Override
    public String provider() {
        return provider;
    }

    /** The device's region table (lkeys, rkeys, addresses). */
    public RegionTable regions() {
        return regions;
    }

    @Override
    public MemoryRegion allocate(long length, int access) {
        ensureOpen();
        checkLength(length);
        ByteBuffer memory = tmpfs != null && length >= TmpfsMemory.MIN_BYTES ? TmpfsMemory.mapOrNull(tmpfs, length) : null;
        return regions.add(memory != null ? memory : ByteBuffer.allocateDirect((int) length), access, null);
    }

    @Override
    public MemoryRegion register(ByteBuffer directBuffer, int access) {
        ensureOpen();
        if (!directBuffer.isDirect()) {
            throw new RegistrationException("only direct buffers can be registered (got a heap buffer)");
        }
        return regions.add(directBuffer.slice(), access, null);
    }

    @Override
    public MemoryRegion register(Path file, long offset, long length, int access) {
        ensureOpen();
        checkLength(length);
        return regions.add(map(file, offset, length), access, null);
    }

    /** Maps {@code length} bytes of {@code file} read-write (creating and extending it). */
    public static MappedByteBuffer map(Path file, long offset, long length) {
        try (FileChannel fc = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            return fc.map(FileChannel.MapMode.READ_WRITE, offset, length);
        } catch (IOException e) {
            throw new RegistrationException("cannot map " + length + " bytes of " + file + " at " + offset + ": " + e, e);
        }
    }

    /** Checks a region length against what one region can hold. */
    public static void checkLength(long length) {
        if (length <= 0 || length > RegionTable.MAX_REGION) {
            throw new RegistrationException("region length " + length + " not in [1, " + RegionTable.MAX_REGION + "]");
        }
    }

    @Override
    public CompletionQueue createCompletionQueue(int capacity) {
        ensureOpen();
        BasicCompletionQueue cq = new BasicCompletionQueue(capacity);
        cqs.add(cq);
        return cq;
    }

    BasicCompletionQueue ownCq(CompletionQueue cq) {
        if (!(cq instanceof BasicCompletionQueue) || !cqs.contains(cq)) {
            throw new RdmaException("completion queue " + cq + " does not belong to this " + provider + " device");
        }
        BasicCompletionQueue b = (BasicCompletionQueue) cq;
        if (b.isClosed()) {
            throw new ResourceClosedException("completion queue is closed");
        }
        return b;
    }

    @Override
    public ConnectionListener listen(String host, int port) {
        ensureOpen();
        try {
            SoftListener l = new SoftListener(this, host, port, listenerLimits);
            listeners.add(l);
            return l;
        } catch (IOException e) {
            throw new RdmaConnectException("cannot listen on " + host + ":" + port + ": " + e, e);
        }
    }

    @Override
    public Endpoint connect(String host, int port, EndpointOptions options) {
        ensureOpen();
        if (options.sendCq() == options.recvCq()) {
            checkCapacity(ownCq(options.sendCq()), options.maxSendWr() + options.maxRecvWr());
        } else {
            checkCapacity(ownCq(options.sendCq()), options.maxSendWr());
            checkCapacity(ownCq(options.recvCq()), options.maxRecvWr());
        }
        long timeoutMs = options.connectTimeout().toMillis();
        SocketChannel first = null;
        SocketChannel second = null;
        InetSocketAddress target = new InetSocketAddress(host, port);
        try {
            first = open(target, timeoutMs);
            long t0 = RANDOM.nextLong();
            long t1 = RANDOM.nextLong();
            Handshake.writeFully(first, Handshake.hello(provider, t0, t1, localInfo()));
            DataInputStream in = Handshake.in(first, timeoutMs);
            Handshake.checkMagic(in);
            byte status = in.readByte();
            byte[] peerInfo = Handshake.readField(in, 4);
            if (status == Wire.REPLY_FULL) {
                throw new ListenerFullException("peer " + target + " refused the connection: "
                        + new String(peerInfo, StandardCharsets.UTF_8));
            }
            if (status != Wire.REPLY_OK) {
                throw new RdmaConnectException("peer " + target + " refused the connection (it is not a '" + provider
                        + "' device)");
            }
            second = open(target, timeoutMs);
            Handshake.writeFully(second, Handshake.join(t0, t1));
            byte accepted = in.readByte();
            if (accepted != Wire.ACCEPTED) {
                throw new RdmaConnectException("peer " + target + " did not accept");
            }
            Handshake.endHandshake(first);
            SoftEndpoint ep = newEndpoint(options, first, second, peerInfo);
            ep.start();
            return ep;
        } catch (IOException e) {
            closeQuietly(first);
            closeQuietly(second);
            String why = Handshake.isTimeout(e) ? "timed out after " + timeoutMs + " ms" : e.toString();
            throw new RdmaConnectException("connecting to " + target + " (" + provider + ") failed: " + why, e);
        } catch (RuntimeException e) {
            closeQuietly(first);
            closeQuietly(second);
            throw e;
        }
    }

    /** Fails early, before any network traffic, if {@code cq} cannot take {@code depth} more. */
    private static void checkCapacity(BasicCompletionQueue cq, int depth) {
        cq.reserve(depth);
        cq.unreserve(depth);
    }

    private static SocketChannel open(InetSocketAddress target, long timeoutMs) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().connect(target, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    SoftEndpoint newEndpoint(EndpointOptions options, SocketChannel req, SocketChannel resp, byte[] peerInfo)
            throws IOException {
        ensureOpen();
        OneSided.PeerMemory pm = oneSided == null ? null : oneSided.attach(peerInfo);
        try {
            SoftEndpoint ep = new SoftEndpoint(this, options, req, resp, pm);
            endpoints.add(ep);
            return ep;
        } catch (RuntimeException | IOException e) {
            if (pm != null) {
                pm.close();
            }
            throw e;
        }
    }

    byte[] localInfo() {
        return oneSided == null ? new byte[0] : oneSided.localInfo();
    }

    private void checkEndpoints() {
        long now = System.nanoTime();
        for (SoftEndpoint ep : endpoints) {
            try {
                ep.checkProgress(now);
            } catch (RuntimeException e) {
                reportError("watchdog on " + ep, e);
            }
        }
    }

    void removeEndpoint(SoftEndpoint ep) {
        endpoints.remove(ep);
    }

    void removeListener(SoftListener l) {
        listeners.remove(l);
    }

    void endpointFailed(SoftEndpoint ep, String reason) {
        LOG.log(System.Logger.Level.DEBUG, () -> ep + " entered ERROR: " + reason);
    }

    /** The one place background threads report failures; counted for tests and doctor. */
    void reportError(String what, Throwable e) {
        errors.incrementAndGet();
        LOG.log(System.Logger.Level.DEBUG, what + ": " + e);
    }

    void countQuietClose() {
        quietCloses.incrementAndGet();
    }

    /** Errors reported by background threads so far. */
    public long errorCount() {
        return errors.get();
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a failed connection: " + e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ResourceClosedException(provider + " device is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SoftListener l : listeners) {
            l.close();
        }
        for (SoftEndpoint ep : endpoints) {
            ep.close();
        }
        for (BasicRegion r : regions.all()) {
            r.deregister();
        }
        for (BasicCompletionQueue cq : cqs) {
            cq.close();
        }
        watchdog.shutdownNow();
    }
}
