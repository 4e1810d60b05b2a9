package dev.rkv.resprdma;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.Completion;
import dev.rkv.rdma.CompletionOpcode;
import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.CompletionStatus;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.RdmaConnectException;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaException;
import dev.rkv.rdma.RecvRequest;
import dev.rkv.rdma.WorkRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One RESP-over-RDMA connection (the Valkey-over-RDMA protocol) as a non-blocking byte channel,
 * used like a non-blocking {@code SocketChannel}.
 *
 * <h2>Data</h2>
 * The peer writes RESP bytes into our RX buffer with WRITE_WITH_IMM (immediate = byte count);
 * each write's receive completion advances our <em>fill offset</em>. {@link #read} hands out the
 * bytes between the read position and the fill offset; once the whole buffer is consumed it
 * starts over at 0 and announces the buffer again (RegisterXferMemory), which lets the peer write
 * on. {@link #write} copies into our TX staging buffer and writes it to the peer's RX buffer at
 * our TX offset, at most up to its end: it accepts 0 bytes while the peer's buffer is full,
 * until the peer announces it again.
 *
 * <h2>Driving it</h2>
 * Nothing happens behind the owner's back: {@link #poll()} drains the completion queue (control
 * messages, data notifications, send completions, errors), re-posts receives, sends keepalives
 * and checks the silence timeout. Call it when the {@link #setWakeup wakeup} runs (completions
 * arrived) and at least every {@code keepalive / 3} while idle. A protocol error or a lost peer
 * never throws from {@code poll}: the channel becomes <em>broken</em>, {@link #closeReason()}
 * says why, {@link #read} returns what was received before and then -1, and {@link #write}
 * throws. All methods are thread-safe (one lock), so a blocking reader and a background
 * keepalive poller may share a channel.
 *
 * <h2>What we check on what the peer sends</h2>
 * Control messages must be 32 bytes with a known opcode; SetClientFeature must ask for no
 * features; a RegisterXferMemory must announce 1 byte to 16 MiB; data may arrive only after the
 * peer's RegisterXferMemory, only while our RX buffer is announced, and never past its end.
 */
public final class RespRdmaChannel implements ByteChannel, GatheringByteChannel {

    /** Control sends in flight at most; each holds a 32-byte slot until its completion. */
    private static final int CONTROL_SLOTS = 16;
    /** Send-queue slots data writes leave free for control messages. */
    private static final int CONTROL_RESERVE = CONTROL_SLOTS;
    private static final long CONTROL_WR = 1L << 40;
    private static final long DATA_WR = 2L << 40;
    /** The keepalive whose completion says everything posted before it is done (sends complete in order). */
    private static final long DRAIN_WR = 4L << 40;
    /** How long {@link #closeWhenFlushed()} waits for the peer to take what was written. */
    private static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private enum State { OPEN, BROKEN, CLOSED }

    private final RespRdmaOptions options;
    private final boolean serverSide;
    private final CompletionQueue cq;
    private final Endpoint endpoint;
    private final RdmaDevice device;
    private final MemoryRegion rx;
    private final ByteBuffer rxBuf;
    private final MemoryRegion recvControl;
    private final ByteBuffer recvControlBuf;
    private final MemoryRegion sendControl;
    private final ByteBuffer sendControlBuf;
    private final ArrayDeque<Integer> freeControlSlots = new ArrayDeque<>();
    private final ArrayDeque<ControlMessage> pendingControl = new ArrayDeque<>();
    private final Completion[] batch = new Completion[64];
    private final List<RecvRequest> reposts = new ArrayList<>();
    private final Object signal = new Object();
    private volatile Runnable wakeup;

    private State state = State.OPEN;
    /** Set once close() released everything; read without the lock by awaitCompletions. */
    private volatile boolean released;
    private String closeReason;

    // our RX buffer
    private int readPos;
    private int fill;
    private boolean rxAnnounced;

    // the peer's RX buffer and our staging copy of what we write into it
    private long peerRxAddress;
    private int peerRxLength = -1;
    private int peerRxKey;
    private MemoryRegion tx;
    private int txOffset;
    private long dataWrites;

    private long drainDeadline;
    private boolean draining;
    private long lastSentNanos;
    private long lastReceivedNanos;
    private long keepalivesReceived;
    private long reregistrations;

    private RespRdmaChannel(RdmaDevice device, Endpoint endpoint, CompletionQueue cq, RespRdmaOptions options,
                            boolean serverSide) {
        this.device = device;
        this.endpoint = endpoint;
        this.cq = cq;
        this.options = options;
        this.serverSide = serverSide;
        MemoryRegion r = null;
        MemoryRegion rc = null;
        MemoryRegion sc = null;
        try {
            r = device.allocate(options.rxSize(), Access.LOCAL_WRITE | Access.REMOTE_WRITE);
            rc = device.allocate((long) options.recvDepth() * ControlMessage.SIZE, Access.LOCAL_WRITE);
            sc = device.allocate((long) CONTROL_SLOTS * ControlMessage.SIZE, Access.LOCAL_WRITE);
        } catch (RuntimeException e) {
            for (MemoryRegion m : new MemoryRegion[] {r, rc, sc}) {
                if (m != null) {
                    m.deregister();
                }
            }
            endpoint.close();
            cq.close();
            throw e;
        }
        this.rx = r;
        this.rxBuf = r.buffer();
        this.recvControl = rc;
        this.recvControlBuf = rc.buffer();
        this.sendControl = sc;
        this.sendControlBuf = sc.buffer();
        for (int i = 0; i < CONTROL_SLOTS; i++) {
            freeControlSlots.add(i);
        }
        long now = System.nanoTime();
        lastSentNanos = now;
        lastReceivedNanos = now;
        synchronized (this) {
            for (int i = 0; i < options.recvDepth(); i++) {
                reposts.add(receive(i));
            }
            repostReceives();
            // Both sides announce their RX buffer as soon as the connection is up.
            announceRx();
            flushControl();
        }
        cq.setListener(this::completionsArrived);
    }

    /**
     * Connects to a RESP-over-RDMA listener and waits until the peer announced its RX buffer, up to
     * {@link RespRdmaOptions#connectTimeout()} in all. The channel owns what it creates (queue,
     * endpoint, regions); the device stays the caller's.
     *
     * @throws ConnectException       if the peer refuses, is unreachable, or breaks the protocol
     * @throws SocketTimeoutException if the peer's RegisterXferMemory does not come in time
     */
    public static RespRdmaChannel connect(RdmaDevice device, String host, int port, RespRdmaOptions options)
            throws IOException {
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        CompletionQueue cq = device.createCompletionQueue(options.sendDepth() + options.recvDepth());
        Endpoint ep;
        try {
            ep = device.connect(host, port, endpointOptions(cq, options));
        } catch (RdmaConnectException e) {
            cq.close();
            ConnectException ce = new ConnectException("RDMA connect to " + host + ":" + port + " ("
                    + device.provider() + "): " + e.getMessage());
            ce.initCause(e);
            throw ce;
        } catch (RuntimeException e) {
            cq.close();
            throw e;
        }
        RespRdmaChannel ch = new RespRdmaChannel(device, ep, cq, options, false);
        try {
            while (true) {
                ch.poll();
                synchronized (ch) {
                    // Connected once the peer announced its buffer, even if it closed right after (a
                    // refusal: its reply is in our buffer, read() hands it out and then -1, as TCP would).
                    if (ch.peerRxLength >= 0) {
                        return ch;
                    }
                    if (ch.state != State.OPEN) {
                        throw new ConnectException("RDMA connect to " + host + ":" + port + ": " + ch.closeReason);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("RDMA connect to " + host + ":" + port
                            + ": the server did not announce its receive buffer within "
                            + options.connectTimeout().toMillis() + " ms");
                }
                ch.awaitCompletions(left, TimeUnit.NANOSECONDS);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        } catch (InterruptedException e) {
            ch.close();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted during RDMA connect to " + host + ":" + port);
        }
    }

    /** Wraps an endpoint just accepted by a listener on {@code cq}, which the channel now owns. */
    static RespRdmaChannel accepted(RdmaDevice device, Endpoint endpoint, CompletionQueue cq,
                                    RespRdmaOptions options) {
        return new RespRdmaChannel(device, endpoint, cq, options, true);
    }

    /**
     * How long a write may wait for the peer to post a receive. Each WRITE_WITH_IMM consumes one,
     * and a peer re-posts them only when its owner polls: an event loop held by a long command, or
     * a client that reads nothing for a while, must not lose its connection after the verbs default
     * of 2 s (real verbs would set rnr_retry to 7, "retry forever"). Dead peers are found by the
     * silence timeout and the transport timeout instead.
     */
    static final Duration RNR_TIMEOUT = Duration.ofSeconds(60);

    /** Endpoint options for a channel on its own completion queue. */
    static EndpointOptions endpointOptions(CompletionQueue cq, RespRdmaOptions options) {
        EndpointOptions d = EndpointOptions.of(cq).withDepths(options.sendDepth(), options.recvDepth());
        return d.withTimeouts(options.connectTimeout(), RNR_TIMEOUT, d.transportTimeout());
    }

    // ------------------------------------------------------------------ application side

    /**
     * Copies received bytes into {@code dst}.
     *
     * @return bytes copied; 0 if none are there now; -1 once the channel is broken and every byte
     *         received before is consumed
     * @throws ClosedChannelException after {@link #close()}
     */
    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        if (state == State.CLOSED) {
            throw new ClosedChannelException();
        }
        int avail = fill - readPos;
        if (avail == 0) {
            return state == State.BROKEN ? -1 : 0;
        }
        int n = Math.min(avail, dst.remaining());
        dst.put(rxBuf.slice(readPos, n));
        readPos += n;
        if (readPos == rx.length() && state == State.OPEN) {
            // Whole buffer consumed: start over and let the peer write from 0 again.
            readPos = 0;
            fill = 0;
            reregistrations++;
            announceRx();
            flushControl();
        }
        return n;
    }

    /**
     * Writes as much of {@code src} as fits in the peer's RX buffer right now (one WRITE_WITH_IMM).
     *
     * @return bytes accepted; 0 before the peer announced its buffer, while it is full, or while
     *         the send queue is full
     * @throws ClosedChannelException after {@link #close()}
     * @throws IOException            once the channel is broken (the message is {@link #closeReason()})
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    /**
     * Gathers as much of {@code srcs[offset..offset+length)} as fits in the peer's RX buffer into
     * one WRITE_WITH_IMM (one notification at the peer for a batch of replies).
     *
     * @return bytes accepted, as {@link #write(ByteBuffer)}
     */
    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, srcs.length);
        if (state == State.CLOSED) {
            throw new ClosedChannelException();
        }
        if (state == State.BROKEN) {
            throw new IOException("RDMA connection closed: " + closeReason);
        }
        if (draining) {
            throw new ClosedChannelException();
        }
        long wanted = 0;
        for (int i = offset; i < offset + length; i++) {
            wanted += srcs[i].remaining();
        }
        int n = (int) Math.min(wanted, writableBytes());
        if (n == 0 || endpoint.sendQueueFree() <= CONTROL_RESERVE) {
            return 0;
        }
        ByteBuffer staging = tx.buffer();
        staging.position(txOffset).limit(txOffset + n);
        for (int i = offset; i < offset + length && staging.hasRemaining(); i++) {
            ByteBuffer src = srcs[i];
            int take = Math.min(src.remaining(), staging.remaining());
            staging.put(src.duplicate().limit(src.position() + take));
        }
        // Signal now and then, and whenever the queue runs low: a signaled completion is what wakes
        // a writer waiting for send-queue space (unsignaled successes return their slot silently).
        boolean signaled = ++dataWrites % options.signalEvery() == 0
                || endpoint.sendQueueFree() <= CONTROL_RESERVE + options.signalEvery();
        WorkRequest wr = WorkRequest.writeWithImm(DATA_WR | (dataWrites & 0xff_ffff_ffffL), tx.sge(txOffset, n),
                peerRxAddress + txOffset, peerRxKey, n).withSignaled(signaled);
        try {
            if (!endpoint.postSend(wr)) {
                return 0;
            }
        } catch (RdmaException e) {
            breakWith("posting a data write failed: " + e.getMessage());
            throw new IOException("RDMA connection closed: " + closeReason, e);
        }
        // Posted: now the sources give up what was copied (nothing, had the post failed).
        int left = n;
        for (int i = offset; i < offset + length && left > 0; i++) {
            ByteBuffer src = srcs[i];
            int take = Math.min(src.remaining(), left);
            src.position(src.position() + take);
            left -= take;
        }
        txOffset += n;
        lastSentNanos = System.nanoTime();
        return n;
    }

    /** Bytes {@link #write} would accept now (room left in the peer's RX buffer). */
    public synchronized int writableBytes() {
        return state != State.OPEN || peerRxLength < 0 ? 0 : peerRxLength - txOffset;
    }

    /** True until the channel is broken or closed. */
    @Override
    public synchronized boolean isOpen() {
        return state == State.OPEN;
    }

    /** Why the channel broke or was closed; null while it is open. */
    public synchronized String closeReason() {
        return closeReason;
    }

    /** True once received bytes are waiting for {@link #read}. */
    public synchronized boolean hasInput() {
        return fill > readPos;
    }

    /**
     * Sets what to run when completions arrive (on a provider thread; keep it short, do not poll
     * there, e.g. {@code selector::wakeup} or putting the channel on a ready queue).
     */
    public void setWakeup(Runnable onCompletions) {
        this.wakeup = onCompletions;
    }

    /** The peer's address. */
    public InetSocketAddress remoteAddress() {
        return endpoint.remoteAddress();
    }

    /** Our address. */
    public InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    /** The provider of the device ("soft", "shm", "disni"). */
    public String provider() {
        return device.provider();
    }

    /** The options this channel runs with. */
    public RespRdmaOptions options() {
        return options;
    }

    /** Keepalives received so far. */
    public synchronized long keepalivesReceived() {
        return keepalivesReceived;
    }

    /** How often our RX buffer was announced again after being consumed. */
    public synchronized long reregistrations() {
        return reregistrations;
    }

    /** True for a channel accepted by a listener. */
    public boolean isServerSide() {
        return serverSide;
    }

    /**
     * Closes the channel and releases its endpoint, queue and memory at once. Idempotent. The peer
     * sees its connection fail (RDMA has no orderly shutdown), and writes not yet executed are
     * dropped: use {@link #closeWhenFlushed()} to deliver them first.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            if (closeReason == null) {
                closeReason = "closed locally";
            }
            state = State.CLOSED;
            released = true;
            endpoint.close();
            cq.setListener(null);
            cq.close();
            for (MemoryRegion m : new MemoryRegion[] {rx, recvControl, sendControl, tx}) {
                if (m != null) {
                    m.deregister();
                }
            }
        }
        completionsArrived();
    }

    /**
     * Closes once every byte written so far has reached the peer, without blocking: RDMA has no
     * orderly shutdown, and closing the endpoint at once would flush writes not yet executed
     * (a reply before QUIT, a refusal). A signaled Keepalive is posted behind the writes; its
     * completion (sends complete in order) or an error closes the channel, and so does
     * {@link #poll()} after 2 s. The owner keeps polling until {@link #isOpen()} is false.
     */
    public synchronized void closeWhenFlushed() {
        if (state != State.OPEN) {
            close();
            return;
        }
        if (draining) {
            return;
        }
        draining = true;
        drainDeadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
        flushControl();
        Integer slot = freeControlSlots.poll();
        if (slot == null || endpoint.sendQueueFree() == 0) {
            if (slot != null) {
                freeControlSlots.add(slot);
            }
            return; // the deadline closes it
        }
        ControlMessage.keepalive().encodeTo(sendControlBuf, slot * ControlMessage.SIZE);
        try {
            if (!endpoint.postSend(WorkRequest.send(DRAIN_WR | CONTROL_WR | slot,
                    sendControl.sge((long) slot * ControlMessage.SIZE, ControlMessage.SIZE)))) {
                freeControlSlots.add(slot);
            }
        } catch (RdmaException e) {
            close();
        }
    }

    // ------------------------------------------------------------------ driving

    /**
     * Processes whatever completed, re-posts receives, sends due control messages and checks the
     * timers. Never blocks and never throws for what the peer did.
     *
     * @return true if anything happened that may let {@link #read} or {@link #write} make
     *         progress or changed the channel's state
     */
    public synchronized boolean poll() {
        if (state != State.OPEN) {
            return false;
        }
        boolean progress = false;
        try {
            int n;
            do {
                n = cq.poll(batch, batch.length);
                for (int i = 0; i < n && state == State.OPEN; i++) {
                    progress |= handle(batch[i]);
                }
                java.util.Arrays.fill(batch, 0, n, null);
            } while (n == batch.length && state == State.OPEN);
            if (state == State.OPEN) {
                repostReceives();
                flushControl();
                checkTimers(System.nanoTime());
            }
        } catch (RdmaException e) {
            breakWith("RDMA error: " + e.getMessage());
        }
        return progress || state != State.OPEN;
    }

    /**
     * Waits until completions are queued, the channel closes, or {@code timeout} passes; does not
     * take them ({@link #poll()} does).
     */
    public void awaitCompletions(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        // Never takes this channel's lock under the signal's: poll() (holding the lock) may close
        // the channel, which notifies the signal.
        synchronized (signal) {
            if (released || completionsQueued() || nanos <= 0) {
                return;
            }
            // one wake is enough: the caller polls and decides
            TimeUnit.NANOSECONDS.timedWait(signal, nanos);
        }
    }

    private boolean completionsQueued() {
        try {
            return cq.size() > 0;
        } catch (RdmaException e) {
            // closed meanwhile: let the caller look at the channel
            return true;
        }
    }

    private void completionsArrived() {
        synchronized (signal) {
            signal.notifyAll();
        }
        Runnable w = wakeup;
        if (w != null) {
            w.run();
        }
    }

    private boolean handle(Completion c) {
        if (!c.ok()) {
            if (c.isRecv() && c.status() == CompletionStatus.LOC_LEN_ERR) {
                breakWith("protocol error: control message longer than " + ControlMessage.SIZE + " bytes");
            } else {
                breakWith("connection lost (" + (c.isRecv() ? "receive" : "send") + " completed with " + c.status()
                        + "): the peer closed, vanished or refused our request");
            }
            return true;
        }
        long now = System.nanoTime();
        if (c.opcode() == CompletionOpcode.RECV) {
            lastReceivedNanos = now;
            int slot = (int) c.wrId();
            try {
                ControlMessage m = ControlMessage.decode(recvControlBuf, slot * ControlMessage.SIZE, c.byteLength());
                reposts.add(receive(slot));
                onControl(m);
            } catch (RespRdmaProtocolException e) {
                breakWith("protocol error: " + e.getMessage());
            }
            return true;
        }
        if (c.opcode() == CompletionOpcode.RECV_RDMA_WITH_IMM) {
            lastReceivedNanos = now;
            reposts.add(receive((int) c.wrId()));
            onData(Integer.toUnsignedLong(c.immediate()));
            return true;
        }
        if ((c.wrId() & DRAIN_WR) != 0) {
            // everything written before has been executed at the peer
            close();
            return true;
        }
        if ((c.wrId() & CONTROL_WR) != 0) {
            freeControlSlots.add((int) (c.wrId() & 0xffff));
            return !pendingControl.isEmpty();
        }
        // a signaled data write: its completion matters only as a wake-up for a writer waiting for queue space
        return true;
    }

    private void onControl(ControlMessage m) {
        switch (m.type()) {
            case GET_SERVER_FEATURE:
                // A server answers with the features it has (none); a client takes the answer as given.
                if (serverSide) {
                    pendingControl.add(ControlMessage.getServerFeature(0));
                }
                break;
            case SET_CLIENT_FEATURE:
                if (m.features() != 0) {
                    breakWith("protocol error: SetClientFeature asks for features 0x" + Long.toHexString(m.features())
                            + " (none are supported)");
                }
                break;
            case KEEPALIVE:
                keepalivesReceived++;
                break;
            case REGISTER_XFER_MEMORY:
                onPeerRx(m);
                break;
            default:
                throw new IllegalStateException(String.valueOf(m.type()));
        }
    }

    private void onPeerRx(ControlMessage m) {
        if (m.length() < 1 || m.length() > RespRdmaOptions.MAX_RX_SIZE) {
            breakWith("protocol error: RegisterXferMemory announces " + m.length() + " bytes (must be 1.."
                    + RespRdmaOptions.MAX_RX_SIZE + ")");
            return;
        }
        int len = (int) m.length();
        if (tx == null || tx.length() < len) {
            // Safe to replace: the peer announces again only after consuming all we wrote, so no write
            // still reads the old staging buffer.
            if (tx != null) {
                tx.deregister();
            }
            tx = device.allocate(len, Access.LOCAL_WRITE);
        }
        peerRxAddress = m.address();
        peerRxLength = len;
        peerRxKey = m.rkey();
        txOffset = 0;
    }

    private void onData(long bytes) {
        if (peerRxLength < 0) {
            breakWith("protocol error: data written (WRITE_WITH_IMM of " + bytes
                    + " bytes) before the peer's RegisterXferMemory");
        } else if (!rxAnnounced) {
            breakWith("protocol error: data written (WRITE_WITH_IMM of " + bytes
                    + " bytes) into our RX buffer while it was not announced (consumed, not yet registered again)");
        } else if (fill + bytes > rx.length()) {
            breakWith("protocol error: fill offset " + (fill + bytes) + " past the RX buffer of " + rx.length()
                    + " bytes");
        } else {
            fill += (int) bytes;
            if (fill == rx.length()) {
                // Full: the peer may not write again until we announce it after it was consumed.
                rxAnnounced = false;
            }
        }
    }

    private void announceRx() {
        rxAnnounced = true;
        pendingControl.add(ControlMessage.registerXferMemory(rx.address(), rx.length(), rx.rkey()));
    }

    private void checkTimers(long now) {
        if (draining && now - drainDeadline > 0) {
            close();
            return;
        }
        if (!options.silenceTimeout().isZero() && now - lastReceivedNanos > options.silenceTimeout().toNanos()) {
            breakWith("no message from the peer for " + TimeUnit.NANOSECONDS.toMillis(now - lastReceivedNanos)
                    + " ms (silence timeout " + options.silenceTimeout().toMillis() + " ms)");
            return;
        }
        if (now - lastSentNanos >= options.keepalive().toNanos() && pendingControl.isEmpty()) {
            pendingControl.add(ControlMessage.keepalive());
            flushControl();
        }
    }

    private void flushControl() {
        while (state == State.OPEN && !pendingControl.isEmpty() && !freeControlSlots.isEmpty()
                && endpoint.sendQueueFree() > 0) {
            int slot = freeControlSlots.poll();
            ControlMessage m = pendingControl.poll();
            m.encodeTo(sendControlBuf, slot * ControlMessage.SIZE);
            try {
                if (!endpoint.postSend(WorkRequest.send(CONTROL_WR | slot,
                        sendControl.sge((long) slot * ControlMessage.SIZE, ControlMessage.SIZE)))) {
                    freeControlSlots.addFirst(slot);
                    pendingControl.addFirst(m);
                    return;
                }
            } catch (RdmaException e) {
                breakWith("posting a control message failed: " + e.getMessage());
                return;
            }
            lastSentNanos = System.nanoTime();
        }
    }

    private RecvRequest receive(int slot) {
        return RecvRequest.of(slot, recvControl.sge((long) slot * ControlMessage.SIZE, ControlMessage.SIZE));
    }

    private void repostReceives() {
        if (reposts.isEmpty()) {
            return;
        }
        int posted = endpoint.postRecv(reposts);
        if (posted != reposts.size()) {
            // Cannot happen: each slot is re-posted only after its completion freed it.
            breakWith("internal error: receive queue refused " + (reposts.size() - posted) + " receives");
        }
        reposts.clear();
    }

    /** Marks the channel broken with the first reason; the endpoint is closed so the peer notices too. */
    private void breakWith(String reason) {
        if (state != State.OPEN) {
            return;
        }
        state = State.BROKEN;
        closeReason = reason;
        pendingControl.clear();
        endpoint.close();
    }

    @Override
    public String toString() {
        return "RespRdmaChannel[" + device.provider() + " " + endpoint.localAddress() + " -> "
                + endpoint.remoteAddress() + (closeReason == null ? "" : ", " + closeReason) + "]";
    }
}
