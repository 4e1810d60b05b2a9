package dev.rkv.rdma.soft;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.Completion;
import dev.rkv.rdma.CompletionOpcode;
import dev.rkv.rdma.CompletionStatus;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.EndpointState;
import dev.rkv.rdma.InvalidRequestException;
import dev.rkv.rdma.Opcode;
import dev.rkv.rdma.RecvRequest;
import dev.rkv.rdma.ResourceClosedException;
import dev.rkv.rdma.WorkRequest;
import dev.rkv.rdma.support.BasicCompletionQueue;
import dev.rkv.rdma.support.BasicRegion;
import dev.rkv.rdma.support.LocalSges;
import dev.rkv.rdma.support.QueueSlots;
import dev.rkv.rdma.support.RegionTable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One RC endpoint of the soft transport (see {@link Wire} for the frames).
 *
 * <p>Threads: a responder (this side's "NIC" for the peer's requests: it reads requests and
 * executes them against registered regions, writing responses itself), an ack reader
 * (reads responses to this side's requests and completes them) and a sender that writes
 * request frames when the posting thread cannot write them inline without waiting, and the
 * acknowledgements the responder deferred (see {@link Wire}) once they are old enough.
 * Application code never runs on these threads except a CQ listener.
 *
 * <p>The request connection is non-blocking, so that the posting thread writes its frames
 * itself and never waits: whatever the socket does not take at once goes to the sender, which
 * waits for room. A non-blocking write is also not interruptible: an interrupt of the posting
 * thread does not close the socket as it would close a blocking one. The ack reader and the
 * sender wait on a {@link Readiness} each; closing the connection wakes them.
 */
final class SoftEndpoint implements Endpoint {
    /** Request batches up to this size are written by the posting thread when the line is free. */
    private static final int INLINE_MAX = 64 * 1024;
    private static final AtomicLong IDS = new AtomicLong();
    /** A responder acknowledges at least every this many requests (see {@link Wire}). */
    private static final int ACK_EVERY = 64;
    /** Successes acknowledged later are acknowledged after about this long at most (plus the sender's 100 ms wait). */
    private static final long ACK_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** A posted send-queue request until its completion is delivered. */
    private static final class Pending {
        final WorkRequest wr;
        final long postedNanos = System.nanoTime();
        long seq;
        ByteBuffer[] local;
        CompletionStatus status;
        boolean done;

        Pending(WorkRequest wr) {
            this.wr = wr;
        }
    }

    private record PostedRecv(RecvRequest rr, ByteBuffer[] bufs) {
    }

    private final long id = IDS.incrementAndGet();
    private final SoftDevice device;
    private final RegionTable regions;
    private final EndpointOptions options;
    private final BasicCompletionQueue sendCq;
    private final BasicCompletionQueue recvCq;
    private final SocketChannel reqChannel;
    private final SocketChannel respChannel;
    private final OneSided.PeerMemory peerMemory;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final QueueSlots sq;
    private final QueueSlots rq;

    private final Object postLock = new Object();
    private final ReentrantLock sqLock = new ReentrantLock();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final ArrayDeque<Pending> awaiting = new ArrayDeque<>();
    private long nextSequence;

    private final ReentrantLock rqLock = new ReentrantLock();
    private final Condition recvPosted = rqLock.newCondition();
    private final ArrayDeque<PostedRecv> recvs = new ArrayDeque<>();

    private final ReentrantLock outLock = new ReentrantLock();
    private final Condition outReady = outLock.newCondition();
    private final ArrayDeque<ByteBuffer[]> outQueue = new ArrayDeque<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** The ack reader's wait for responses on reqChannel. */
    private final Readiness readable;
    /** The sender's wait for room on reqChannel. */
    private final Readiness writable;

    /** Guards respOut, writes on respChannel and the deferred acknowledgement (responder and sender threads). */
    private final ReentrantLock respLock = new ReentrantLock();
    private long deferredSeq;
    private int deferredCount;
    private long deferredSinceNanos;
    /** Whether the request being served asked for an immediate response (responder thread only). */
    private boolean ackNow;
    private final FrameReader requests;
    private final FrameReader responses;
    private final ByteBuffer respOut = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.BIG_ENDIAN);
    private final AtomicInteger liveReaders = new AtomicInteger(2);

    private volatile EndpointState state = EndpointState.CONNECTED;
    private volatile long errorSinceNanos;
    private volatile String errorReason;
    private final Thread responder;
    private final Thread ackReader;
    private final Thread sender;

    SoftEndpoint(SoftDevice device, EndpointOptions options, SocketChannel reqChannel, SocketChannel respChannel,
                 OneSided.PeerMemory peerMemory) throws IOException {
        this.device = device;
        this.regions = device.regions();
        this.options = options;
        this.sendCq = device.ownCq(options.sendCq());
        this.recvCq = device.ownCq(options.recvCq());
        this.reqChannel = reqChannel;
        this.respChannel = respChannel;
        this.peerMemory = peerMemory;
        this.local = (InetSocketAddress) reqChannel.getLocalAddress();
        this.remote = (InetSocketAddress) reqChannel.getRemoteAddress();
        this.sq = new QueueSlots(options.maxSendWr());
        this.rq = new QueueSlots(options.maxRecvWr());
        sendCq.reserve(options.maxSendWr());
        try {
            recvCq.reserve(options.maxRecvWr());
        } catch (RuntimeException e) {
            sendCq.unreserve(options.maxSendWr());
            throw e;
        }
        this.requests = new FrameReader(respChannel, this::flushResponses);
        try {
            reqChannel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            sendCq.unreserve(options.maxSendWr());
            recvCq.unreserve(options.maxRecvWr());
            throw e;
        }
        this.readable = Readiness.toRead(reqChannel);
        this.writable = Readiness.toWrite(reqChannel);
        this.responses = new FrameReader(reqChannel, null, readable);
        String name = device.provider() + "-ep" + id;
        responder = new Thread(this::respondLoop, "rkv-" + name + "-responder");
        ackReader = new Thread(this::ackLoop, "rkv-" + name + "-acks");
        sender = new Thread(this::sendLoop, "rkv-" + name + "-sender");
        for (Thread t : new Thread[] {responder, ackReader, sender}) {
            t.setDaemon(true);
        }
    }

    void start() {
        responder.start();
        ackReader.start();
        sender.start();
    }

    // ------------------------------------------------------------------ posting

    @Override
    public int postSend(List<WorkRequest> batch) {
        ensureNotClosed();
        for (WorkRequest wr : batch) {
            validate(wr);
        }
        List<ByteBuffer> out = new ArrayList<>();
        long outBytes = 0;
        int n;
        Pending failed = null;
        synchronized (postLock) {
            n = sq.acquire(batch.size());
            // Short of slots, every request asks for its acknowledgement at once: unsignaled
            // successes give their slots back only when a response covers them.
            boolean shortOfSlots = sq.free() < Math.max(1, sq.depth() / 4);
            for (int i = 0; i < n; i++) {
                WorkRequest wr = batch.get(i);
                Pending p = new Pending(wr);
                p.local = LocalSges.resolve(regions, wr.sges(), wr.opcode() == Opcode.READ ? Access.LOCAL_WRITE : 0);
                boolean local = peerMemory != null && wr.opcode() != Opcode.SEND;
                long seq;
                sqLock.lock();
                try {
                    pending.add(p);
                    seq = nextSequence++;
                    p.seq = seq;
                    if (state != EndpointState.CONNECTED) {
                        finish(p, CompletionStatus.WR_FLUSH_ERR);
                        continue;
                    }
                    if (p.local == null) {
                        failed = p;
                    }
                    if (failed == null && !local) {
                        awaiting.add(p);
                    }
                } finally {
                    sqLock.unlock();
                }
                if (failed != null) {
                    // Later requests of the batch see the ERROR state and are flushed.
                    fail(failed, CompletionStatus.LOC_PROT_ERR, "work request " + wr.wrId() + ": bad local sge");
                    failed = null;
                    continue;
                }
                if (local) {
                    CompletionStatus st = peerMemory.execute(wr, p.local);
                    if (st == CompletionStatus.SUCCESS && wr.opcode() == Opcode.WRITE_WITH_IMM) {
                        sqLock.lock();
                        try {
                            awaiting.add(p);
                        } finally {
                            sqLock.unlock();
                        }
                        ByteBuffer h = header(Wire.T_IMM_ONLY, wr, (int) wr.byteLength(), seq, shortOfSlots);
                        out.add(h);
                        outBytes += Wire.REQ_HEADER;
                    } else if (st == CompletionStatus.SUCCESS) {
                        complete(p, st);
                    } else {
                        fail(p, st, "work request " + wr.wrId() + " failed with " + st);
                    }
                    continue;
                }
                byte type = typeOf(wr.opcode());
                int len = (int) wr.byteLength();
                out.add(header(type, wr, len, seq, shortOfSlots));
                outBytes += Wire.REQ_HEADER;
                if (type != Wire.T_READ) {
                    for (ByteBuffer b : p.local) {
                        out.add(b);
                    }
                    outBytes += len;
                }
            }
            if (!out.isEmpty() && state == EndpointState.CONNECTED) {
                emit(out.toArray(new ByteBuffer[0]), outBytes);
            }
        }
        return n;
    }

    private void validate(WorkRequest wr) {
        if (wr.sges().size() > options.maxSge()) {
            throw new InvalidRequestException("work request " + wr.wrId() + " has " + wr.sges().size()
                    + " sges, endpoint maxSge is " + options.maxSge());
        }
        long len = wr.byteLength();
        if (len > Integer.MAX_VALUE) {
            throw new InvalidRequestException("work request " + wr.wrId() + " is " + len + " bytes, limit "
                    + Integer.MAX_VALUE);
        }
    }

    private static byte typeOf(Opcode op) {
        switch (op) {
            case READ:
                return Wire.T_READ;
            case WRITE:
                return Wire.T_WRITE;
            case WRITE_WITH_IMM:
                return Wire.T_WRITE_IMM;
            case SEND:
                return Wire.T_SEND;
            default:
                throw new InvalidRequestException("unsupported opcode " + op);
        }
    }

    private static ByteBuffer header(byte type, WorkRequest wr, int len, long seq, boolean shortOfSlots) {
        ByteBuffer h = ByteBuffer.allocate(Wire.REQ_HEADER);
        h.put(Wire.REQ_TYPE, type);
        h.put(Wire.REQ_FLAGS, wr.signaled() || shortOfSlots ? Wire.F_ACK_NOW : 0);
        h.putInt(Wire.REQ_IMMEDIATE, wr.immediate());
        h.putLong(Wire.REQ_REMOTE_ADDRESS, wr.remoteAddress());
        h.putInt(Wire.REQ_RKEY, wr.rkey());
        h.putInt(Wire.REQ_LENGTH, len);
        h.putLong(Wire.REQ_SEQUENCE, seq);
        return h;
    }

    /**
     * Writes request frames in posting order: with nothing queued, as much as the socket takes at
     * once on the posting thread; the rest, or everything when frames are queued or the sender is
     * writing, via the sender. Runs under postLock, so nothing is queued meanwhile by another poster.
     */
    private void emit(ByteBuffer[] frame, long bytes) {
        outLock.lock();
        try {
            if (!outQueue.isEmpty() || bytes > INLINE_MAX || !writeLock.tryLock()) {
                enqueue(frame);
                return;
            }
        } finally {
            outLock.unlock();
        }
        try {
            // Non-blocking: never waits, and an interrupt of this thread leaves the socket open.
            reqChannel.write(frame);
            if (anyRemaining(frame)) {
                outLock.lock();
                try {
                    // Queued before writeLock is released: the sender writes the rest before anything later.
                    enqueue(frame);
                } finally {
                    outLock.unlock();
                }
            }
        } catch (IOException e) {
            peerGone(e);
        } finally {
            writeLock.unlock();
        }
    }

    private static boolean anyRemaining(ByteBuffer[] bufs) {
        for (ByteBuffer b : bufs) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** Holds outLock. */
    private void enqueue(ByteBuffer[] frame) {
        outQueue.add(frame);
        outReady.signal();
    }

    private void sendLoop() {
        try {
            while (true) {
                ByteBuffer[] frame;
                outLock.lock();
                try {
                    if (outQueue.isEmpty()) {
                        if (state != EndpointState.CONNECTED) {
                            // nothing more will be sent: posts in ERROR are flushed locally
                            return;
                        }
                        outReady.await(100, TimeUnit.MILLISECONDS);
                    }
                    frame = outQueue.peek();
                } finally {
                    outLock.unlock();
                }
                acknowledgeDeferred(false);
                if (frame == null) {
                    continue;
                }
                writeLock.lock();
                try {
                    if (state == EndpointState.CONNECTED) {
                        writeRequests(frame);
                    }
                } finally {
                    writeLock.unlock();
                }
                outLock.lock();
                try {
                    // Removed only after it is written, so a poster seeing an empty queue knows
                    // every earlier frame is on the wire.
                    outQueue.poll();
                } finally {
                    outLock.unlock();
                }
            }
        } catch (IOException e) {
            peerGone(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(writable);
        }
    }

    /** Writes all of {@code bufs} to the non-blocking reqChannel, waiting for room (sender thread). */
    private void writeRequests(ByteBuffer[] bufs) throws IOException {
        int first = 0;
        while (first < bufs.length) {
            if (reqChannel.write(bufs, first, bufs.length - first) == 0) {
                writable.await();
            }
            while (first < bufs.length && !bufs[first].hasRemaining()) {
                first++;
            }
        }
    }

    private void closeQuietly(Readiness r) {
        try {
            r.close();
        } catch (IOException e) {
            device.reportError("closing a selector of " + this, e);
        }
    }

    private static void writeFully(SocketChannel ch, ByteBuffer[] bufs) throws IOException {
        int first = 0;
        while (first < bufs.length) {
            ch.write(bufs, first, bufs.length - first);
            while (first < bufs.length && !bufs[first].hasRemaining()) {
                first++;
            }
        }
    }

    @Override
    public int postRecv(List<RecvRequest> batch) {
        ensureNotClosed();
        for (RecvRequest rr : batch) {
            if (rr.sges().size() > options.maxSge()) {
                throw new InvalidRequestException("receive " + rr.wrId() + " has " + rr.sges().size()
                        + " sges, endpoint maxSge is " + options.maxSge());
            }
        }
        int n = rq.acquire(batch.size());
        for (int i = 0; i < n; i++) {
            RecvRequest rr = batch.get(i);
            ByteBuffer[] bufs = LocalSges.resolve(regions, rr.sges(), Access.LOCAL_WRITE);
            rqLock.lock();
            try {
                if (state != EndpointState.CONNECTED) {
                    recvCq.add(new Completion(rr.wrId(), CompletionStatus.WR_FLUSH_ERR, CompletionOpcode.RECV, 0, 0,
                            this), rq);
                    continue;
                }
                recvs.add(new PostedRecv(rr, bufs));
                recvPosted.signalAll();
            } finally {
                rqLock.unlock();
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ completions

    /** Completes {@code p}; callers hold no lock. */
    private void complete(Pending p, CompletionStatus status) {
        sqLock.lock();
        try {
            if (!p.done) {
                finish(p, status);
            }
        } finally {
            sqLock.unlock();
        }
    }

    /** Marks {@code p} done and delivers every completion now in order. Holds sqLock. */
    private void finish(Pending p, CompletionStatus status) {
        p.status = status;
        p.done = true;
        deliver();
    }

    /** Delivers the completions at the head of the send queue that are done. Holds sqLock. */
    private void deliver() {
        while (!pending.isEmpty() && pending.peek().done) {
            Pending h = pending.poll();
            if (h.status != CompletionStatus.SUCCESS || h.wr.signaled()) {
                sendCq.add(new Completion(h.wr.wrId(), h.status, CompletionOpcode.of(h.wr.opcode()),
                        (int) h.wr.byteLength(), 0, this), sq);
            } else {
                sq.release();
            }
        }
    }

    private void ackLoop() {
        try {
            while (state == EndpointState.CONNECTED) {
                responses.require(Wire.RESP_HEADER);
                ByteBuffer b = responses.buffer();
                int pos = b.position();
                CompletionStatus status = CompletionStatus.ofCode(b.get(pos + Wire.RESP_STATUS) & 0xff);
                int len = b.getInt(pos + Wire.RESP_LENGTH);
                long seq = b.getLong(pos + Wire.RESP_SEQUENCE);
                b.position(pos + Wire.RESP_HEADER);
                Pending p;
                String protocolError = null;
                sqLock.lock();
                try {
                    // A response covers the requests before it that had none of their own (see Wire).
                    Pending h;
                    boolean covered = false;
                    while ((h = awaiting.peek()) != null && h.seq < seq && h.wr.opcode() != Opcode.READ) {
                        awaiting.poll();
                        h.status = CompletionStatus.SUCCESS;
                        h.done = true;
                        covered = true;
                    }
                    if (covered) {
                        deliver();
                    }
                    p = awaiting.poll();
                    if (p == null) {
                        protocolError = "protocol error: response for sequence " + seq + " without a request";
                    } else if (p.seq != seq) {
                        protocolError = "protocol error: response for sequence " + seq + ", expected " + p.seq;
                    }
                } finally {
                    sqLock.unlock();
                }
                if (protocolError != null) {
                    enterError(protocolError);
                    break;
                }
                if (status == CompletionStatus.SUCCESS && p.wr.opcode() == Opcode.READ) {
                    if (len != p.wr.byteLength()) {
                        fail(p, CompletionStatus.BAD_RESP_ERR, "protocol error: READ response of " + len
                                + " bytes for " + p.wr.byteLength());
                        break;
                    }
                    for (ByteBuffer d : p.local) {
                        responses.readFully(d.duplicate());
                    }
                }
                if (status == CompletionStatus.SUCCESS) {
                    complete(p, status);
                } else {
                    fail(p, status, "remote side reported " + status);
                }
            }
        } catch (IOException e) {
            peerGone(e);
        } finally {
            readerDone(responses);
            closeQuietly(readable);
        }
    }

    // ------------------------------------------------------------------ responder

    private void respondLoop() {
        try {
            while (state == EndpointState.CONNECTED) {
                requests.require(Wire.REQ_HEADER);
                ByteBuffer b = requests.buffer();
                int pos = b.position();
                byte type = b.get(pos + Wire.REQ_TYPE);
                ackNow = (b.get(pos + Wire.REQ_FLAGS) & Wire.F_ACK_NOW) != 0;
                int imm = b.getInt(pos + Wire.REQ_IMMEDIATE);
                long addr = b.getLong(pos + Wire.REQ_REMOTE_ADDRESS);
                int rkey = b.getInt(pos + Wire.REQ_RKEY);
                int len = b.getInt(pos + Wire.REQ_LENGTH);
                long seq = b.getLong(pos + Wire.REQ_SEQUENCE);
                b.position(pos + Wire.REQ_HEADER);
                CompletionStatus st;
                switch (type) {
                    case Wire.T_READ:
                        st = serveRead(addr, rkey, len, seq);
                        break;
                    case Wire.T_WRITE:
                    case Wire.T_WRITE_IMM:
                        st = serveWrite(type == Wire.T_WRITE_IMM, addr, rkey, len, imm, seq);
                        break;
                    case Wire.T_SEND:
                        st = serveSend(len, seq);
                        break;
                    case Wire.T_IMM_ONLY:
                        st = serveImmOnly(len, imm, seq);
                        break;
                    default:
                        respond(CompletionStatus.REM_INV_REQ_ERR, seq);
                        st = CompletionStatus.REM_INV_REQ_ERR;
                        break;
                }
                if (st != CompletionStatus.SUCCESS) {
                    flushResponses();
                    enterError("served a request that failed with " + st);
                }
            }
        } catch (IOException e) {
            // The peer stopped sending requests (it failed, closed or died). Outstanding work
            // of ours is judged by the ack reader, which sees any error response the peer
            // sent before this on the other connection, followed by the same end of stream.
            device.countQuietClose();
        } finally {
            readerDone(requests);
        }
    }

    private CompletionStatus serveRead(long addr, int rkey, int len, long seq) throws IOException {
        BasicRegion r = regions.byRkey(rkey);
        if (r == null || len < 0 || !r.permits(addr, len, Access.REMOTE_READ)) {
            respond(CompletionStatus.REM_ACCESS_ERR, seq);
            return CompletionStatus.REM_ACCESS_ERR;
        }
        ByteBuffer data = r.slice(addr, len);
        respLock.lock();
        try {
            if (len <= respOut.remaining() - Wire.RESP_HEADER) {
                putResponse(CompletionStatus.SUCCESS, len, seq);
                respOut.put(data);
            } else {
                flushResponses();
                putResponse(CompletionStatus.SUCCESS, len, seq);
                respOut.flip();
                // Large data goes from the region to the socket directly, gathered with the header.
                writeFully(respChannel, new ByteBuffer[] {respOut, data});
                respOut.clear();
            }
        } finally {
            respLock.unlock();
        }
        return CompletionStatus.SUCCESS;
    }

    private CompletionStatus serveWrite(boolean withImm, long addr, int rkey, int len, int imm, long seq)
            throws IOException {
        BasicRegion r = regions.byRkey(rkey);
        if (r == null || len < 0 || !r.permits(addr, len, Access.REMOTE_WRITE)) {
            requests.skip(Math.max(len, 0));
            respond(CompletionStatus.REM_ACCESS_ERR, seq);
            return CompletionStatus.REM_ACCESS_ERR;
        }
        requests.readFully(r.slice(addr, len));
        if (withImm) {
            return notifyImmediate(len, imm, seq);
        }
        succeeded(seq);
        return CompletionStatus.SUCCESS;
    }

    private CompletionStatus serveImmOnly(int len, int imm, long seq) throws IOException {
        return notifyImmediate(len, imm, seq);
    }

    private CompletionStatus notifyImmediate(int len, int imm, long seq) throws IOException {
        PostedRecv pr = takeRecv();
        if (pr == null) {
            respond(CompletionStatus.RNR_RETRY_EXC_ERR, seq);
            return CompletionStatus.RNR_RETRY_EXC_ERR;
        }
        recvCq.add(new Completion(pr.rr.wrId(), CompletionStatus.SUCCESS, CompletionOpcode.RECV_RDMA_WITH_IMM, len,
                imm, this), rq);
        succeeded(seq);
        return CompletionStatus.SUCCESS;
    }

    private CompletionStatus serveSend(int len, long seq) throws IOException {
        PostedRecv pr = takeRecv();
        if (pr == null) {
            requests.skip(Math.max(len, 0));
            respond(CompletionStatus.RNR_RETRY_EXC_ERR, seq);
            return CompletionStatus.RNR_RETRY_EXC_ERR;
        }
        if (pr.bufs == null) {
            requests.skip(len);
            recvCq.add(new Completion(pr.rr.wrId(), CompletionStatus.LOC_PROT_ERR, CompletionOpcode.RECV, 0, 0, this),
                    rq);
            respond(CompletionStatus.REM_OP_ERR, seq);
            return CompletionStatus.REM_OP_ERR;
        }
        if (len < 0 || len > LocalSges.remaining(pr.bufs)) {
            requests.skip(Math.max(len, 0));
            recvCq.add(new Completion(pr.rr.wrId(), CompletionStatus.LOC_LEN_ERR, CompletionOpcode.RECV, len, 0, this),
                    rq);
            respond(CompletionStatus.REM_INV_REQ_ERR, seq);
            return CompletionStatus.REM_INV_REQ_ERR;
        }
        int left = len;
        for (ByteBuffer d : pr.bufs) {
            if (left == 0) {
                break;
            }
            int k = Math.min(left, d.remaining());
            requests.readFully(d.duplicate().limit(d.position() + k));
            left -= k;
        }
        recvCq.add(new Completion(pr.rr.wrId(), CompletionStatus.SUCCESS, CompletionOpcode.RECV, len, 0, this), rq);
        succeeded(seq);
        return CompletionStatus.SUCCESS;
    }

    /** The next posted receive, waiting up to the RNR timeout; null if none came or the endpoint failed. */
    private PostedRecv takeRecv() {
        long deadline = System.nanoTime() + options.rnrTimeout().toNanos();
        rqLock.lock();
        try {
            while (recvs.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || state != EndpointState.CONNECTED) {
                    return null;
                }
                try {
                    recvPosted.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return recvs.poll();
        } finally {
            rqLock.unlock();
        }
    }

    /** Request {@code seq} succeeded: acknowledged now if it asked for it, else later (see {@link Wire}). */
    private void succeeded(long seq) throws IOException {
        if (ackNow) {
            respond(CompletionStatus.SUCCESS, seq);
            return;
        }
        respLock.lock();
        try {
            if (deferredCount == 0) {
                deferredSinceNanos = System.nanoTime();
            }
            deferredSeq = seq;
            if (++deferredCount >= ACK_EVERY) {
                respond(CompletionStatus.SUCCESS, seq);
            }
        } finally {
            respLock.unlock();
        }
    }

    private void respond(CompletionStatus st, long seq) throws IOException {
        respLock.lock();
        try {
            if (respOut.remaining() < Wire.RESP_HEADER) {
                flushResponses();
            }
            putResponse(st, 0, seq);
        } finally {
            respLock.unlock();
        }
    }

    /**
     * Writes the acknowledgement of successes deferred for {@link #ACK_DELAY_NANOS} or more
     * (every one, with {@code all}); run by the sender thread, so that a requester never waits
     * long for its slots or takes silence for a dead peer. Skipped while the responder is writing.
     */
    private void acknowledgeDeferred(boolean all) throws IOException {
        if (!respLock.tryLock()) {
            return;
        }
        try {
            if (deferredCount > 0 && state == EndpointState.CONNECTED
                    && (all || System.nanoTime() - deferredSinceNanos >= ACK_DELAY_NANOS)) {
                respond(CompletionStatus.SUCCESS, deferredSeq);
                flushResponses();
            }
        } finally {
            respLock.unlock();
        }
    }

    /** Holds respLock. A response covers every deferred success before it. */
    private void putResponse(CompletionStatus st, int len, long seq) {
        deferredCount = 0;
        int p = respOut.position();
        respOut.put(p + Wire.RESP_STATUS, (byte) st.code());
        respOut.put(p + 1, (byte) 0).put(p + 2, (byte) 0).put(p + 3, (byte) 0);
        respOut.putInt(p + Wire.RESP_LENGTH, len);
        respOut.putLong(p + Wire.RESP_SEQUENCE, seq);
        respOut.position(p + Wire.RESP_HEADER);
    }

    /** Writes batched responses; run before the responder may block reading. */
    private void flushResponses() throws IOException {
        respLock.lock();
        try {
            if (respOut.position() == 0) {
                return;
            }
            respOut.flip();
            try {
                while (respOut.hasRemaining()) {
                    respChannel.write(respOut);
                }
            } finally {
                respOut.clear();
            }
        } finally {
            respLock.unlock();
        }
    }

    // ------------------------------------------------------------------ errors and closing

    private void peerGone(IOException e) {
        if (state != EndpointState.CONNECTED) {
            return;
        }
        failOutstanding(CompletionStatus.RETRY_EXC_ERR, "peer vanished: " + e);
    }

    /** Called by the device watchdog. */
    void checkProgress(long nowNanos) {
        EndpointState s = state;
        if (s == EndpointState.CONNECTED) {
            Pending head;
            sqLock.lock();
            try {
                head = awaiting.peek();
            } finally {
                sqLock.unlock();
            }
            long idle = nowNanos - Math.max(responses.lastProgressNanos(), head == null ? nowNanos : head.postedNanos);
            if (head != null && idle > options.transportTimeout().toNanos()) {
                failOutstanding(CompletionStatus.RETRY_EXC_ERR, "no response from peer for "
                        + TimeUnit.NANOSECONDS.toMillis(idle) + " ms");
                closeChannels();
            }
        } else if (s == EndpointState.ERROR && nowNanos - errorSinceNanos > options.transportTimeout().toNanos()) {
            closeChannels();
        }
    }

    /** Whether both connections are closed: the endpoint holds no socket and no thread reads. */
    boolean connectionsClosed() {
        return !reqChannel.isOpen() && !respChannel.isOpen();
    }

    /**
     * Called by the listener that accepted this endpoint: with nothing received on either
     * connection for {@code idleNanos}, the endpoint enters ERROR and its connections close.
     */
    void closeIfIdle(long nowNanos, long idleNanos) {
        if (state != EndpointState.CONNECTED) {
            return;
        }
        long idle = nowNanos - Math.max(requests.lastProgressNanos(), responses.lastProgressNanos());
        if (idle > idleNanos) {
            enterError("nothing received for " + TimeUnit.NANOSECONDS.toMillis(idle) + " ms (idle timeout)");
            closeChannels();
        }
    }

    /** The oldest outstanding request fails with {@code first}, the rest flush; the endpoint enters ERROR. */
    private void failOutstanding(CompletionStatus first, String reason) {
        Pending head;
        sqLock.lock();
        try {
            head = awaiting.peek();
        } finally {
            sqLock.unlock();
        }
        fail(head, first, reason);
    }

    /** Moves to ERROR, flushing everything outstanding. */
    private void enterError(String reason) {
        fail(null, null, reason);
    }

    /**
     * Moves to ERROR: {@code culprit} (if any) completes with {@code status}, everything else
     * outstanding is flushed, and both connections are half-closed. The state changes before
     * any completion is delivered, so whoever sees the error completion and posts again gets
     * a flush error.
     */
    private void fail(Pending culprit, CompletionStatus status, String reason) {
        sqLock.lock();
        try {
            if (state != EndpointState.CONNECTED) {
                if (culprit != null && !culprit.done) {
                    finish(culprit, CompletionStatus.WR_FLUSH_ERR);
                }
                return;
            }
            state = EndpointState.ERROR;
            errorSinceNanos = System.nanoTime();
            errorReason = reason;
            if (culprit != null && !culprit.done) {
                culprit.status = status;
                culprit.done = true;
            }
            flushAll();
        } finally {
            sqLock.unlock();
        }
        // Half-close: the peer reads what we sent (e.g. an error response) and then EOF.
        shutdownOutput(reqChannel);
        shutdownOutput(respChannel);
        device.endpointFailed(this, reason);
    }

    /** Flushes pending sends and posted receives. Holds sqLock. */
    private void flushAll() {
        awaiting.clear();
        for (Pending p : pending) {
            if (!p.done) {
                p.status = CompletionStatus.WR_FLUSH_ERR;
                p.done = true;
            }
        }
        deliver();
        rqLock.lock();
        try {
            PostedRecv pr;
            while ((pr = recvs.poll()) != null) {
                recvCq.add(new Completion(pr.rr.wrId(), CompletionStatus.WR_FLUSH_ERR, CompletionOpcode.RECV, 0, 0, this),
                        rq);
            }
            recvPosted.signalAll();
        } finally {
            rqLock.unlock();
        }
    }

    private void shutdownOutput(SocketChannel ch) {
        try {
            ch.shutdownOutput();
        } catch (IOException e) {
            device.reportError("shutdownOutput on " + this, e);
        }
    }

    /** After a reader stops: in ERROR it drains until the peer closes; the last reader closes all. */
    private void readerDone(FrameReader reader) {
        if (state == EndpointState.ERROR) {
            try {
                // discarding what the peer sent after the error, until it closes
                reader.discardUntilClosed();
            } catch (IOException e) {
                // the watchdog or close() closed the channel, or the peer reset: either way done
                device.countQuietClose();
            }
        }
        if (liveReaders.decrementAndGet() == 0) {
            closeChannels();
        }
    }

    private void closeChannels() {
        for (SocketChannel ch : new SocketChannel[] {reqChannel, respChannel}) {
            try {
                ch.close();
            } catch (IOException e) {
                device.reportError("closing " + this, e);
            }
        }
        // reqChannel is closed for good only once no selector holds it; its waiting threads let go.
        readable.wakeup();
        writable.wakeup();
    }

    @Override
    public void close() {
        if (state == EndpointState.CONNECTED) {
            // The peer learns that what we received succeeded, rather than guessing after the EOF.
            try {
                acknowledgeDeferred(true);
            } catch (IOException e) {
                device.countQuietClose();
            }
        }
        sqLock.lock();
        try {
            if (state == EndpointState.CLOSED) {
                return;
            }
            state = EndpointState.CLOSED;
            flushAll();
        } finally {
            sqLock.unlock();
        }
        closeChannels();
        outLock.lock();
        try {
            outQueue.clear();
            outReady.signalAll();
        } finally {
            outLock.unlock();
        }
        if (peerMemory != null) {
            peerMemory.close();
        }
        sendCq.unreserve(options.maxSendWr());
        recvCq.unreserve(options.maxRecvWr());
        device.removeEndpoint(this);
    }

    private void ensureNotClosed() {
        if (state == EndpointState.CLOSED) {
            throw new ResourceClosedException("endpoint " + this + " is closed");
        }
    }

    @Override
    public EndpointState state() {
        return state;
    }

    @Override
    public EndpointOptions options() {
        return options;
    }

    @Override
    public int sendQueueFree() {
        return sq.free();
    }

    @Override
    public int recvQueueFree() {
        return rq.free();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    /** Why the endpoint entered ERROR, or null. */
    String errorReason() {
        return errorReason;
    }

    @Override
    public String toString() {
        return device.provider() + "-endpoint#" + id + "[" + local + " -> " + remote + ", " + state + "]";
    }
}
