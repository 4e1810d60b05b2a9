package dev.rkv.rdma.disni;

import com.ibm.disni.RdmaEndpoint;
import com.ibm.disni.verbs.IbvRecvWR;
import com.ibm.disni.verbs.IbvSendWR;
import com.ibm.disni.verbs.IbvWC;
import com.ibm.disni.verbs.SVCPostRecv;
import com.ibm.disni.verbs.SVCPostSend;
import dev.rkv.rdma.Completion;
import dev.rkv.rdma.CompletionOpcode;
import dev.rkv.rdma.CompletionStatus;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.EndpointState;
import dev.rkv.rdma.InvalidRequestException;
import dev.rkv.rdma.RdmaException;
import dev.rkv.rdma.RecvRequest;
import dev.rkv.rdma.ResourceClosedException;
import dev.rkv.rdma.WorkRequest;
import dev.rkv.rdma.support.BasicCompletionQueue;
import dev.rkv.rdma.support.QueueSlots;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * An SPI endpoint over a DiSNI {@link RdmaEndpoint} (one verbs RC queue pair).
 *
 * <p>Posting maps our requests to {@code ibv_send_wr}/{@code ibv_recv_wr} and executes DiSNI's
 * {@code SVCPostSend}/{@code SVCPostRecv}. DiSNI's CQ thread hands each {@link IbvWC} to
 * {@link #onCompletion(IbvWC)}, which maps it back (user wr_id, status, opcode, byte count,
 * immediate) into our completion queue. Unsignaled send slots are returned when a later
 * completion of the same queue arrives, since the NIC completes a queue in order.
 */
final class DisniQueuePair implements Endpoint {
    private record Posted(long seq, long userWrId, boolean signaled, int bytes) {
    }

    private final RdmaEndpoint qp;
    private final EndpointOptions options;
    private final BasicCompletionQueue sendCq;
    private final BasicCompletionQueue recvCq;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final QueueSlots sq;
    private final QueueSlots rq;
    private final Object sendLock = new Object();
    private final Object recvLock = new Object();
    private final ArrayDeque<Posted> sends = new ArrayDeque<>();
    private final ArrayDeque<Posted> recvs = new ArrayDeque<>();
    private long nextSeq;
    private volatile EndpointState state = EndpointState.CONNECTED;
    private final Runnable onClose;

    DisniQueuePair(RdmaEndpoint qp, EndpointOptions options, BasicCompletionQueue sendCq, BasicCompletionQueue recvCq,
                   InetSocketAddress local, InetSocketAddress remote, Runnable onClose) {
        this.qp = qp;
        this.options = options;
        this.sendCq = sendCq;
        this.recvCq = recvCq;
        this.local = local;
        this.remote = remote;
        this.sq = new QueueSlots(options.maxSendWr());
        this.rq = new QueueSlots(options.maxRecvWr());
        this.onClose = onClose;
    }

    @Override
    public int postSend(List<WorkRequest> batch) {
        ensureNotClosed();
        for (WorkRequest wr : batch) {
            if (wr.sges().size() > options.maxSge()) {
                throw new InvalidRequestException("work request " + wr.wrId() + " has " + wr.sges().size()
                        + " sges, endpoint maxSge is " + options.maxSge());
            }
        }
        synchronized (sendLock) {
            int n = sq.acquire(batch.size());
            if (n == 0) {
                return 0;
            }
            List<IbvSendWR> wrs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                WorkRequest wr = batch.get(i);
                long seq = nextSeq++;
                sends.add(new Posted(seq, wr.wrId(), wr.signaled(), (int) wr.byteLength()));
                wrs.add(DisniMapping.sendWr(wr, seq));
            }
            SVCPostSend call = null;
            try {
                call = qp.postSend(wrs);
                call.execute();
            } catch (IOException e) {
                for (int i = 0; i < n; i++) {
                    sends.pollLast();
                }
                nextSeq -= n;
                sq.release(n);
                throw new RdmaException("ibv_post_send failed: " + e, e);
            } finally {
                if (call != null) {
                    call.free();
                }
            }
            return n;
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
        synchronized (recvLock) {
            int n = rq.acquire(batch.size());
            if (n == 0) {
                return 0;
            }
            List<IbvRecvWR> wrs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                RecvRequest rr = batch.get(i);
                long seq = nextSeq++;
                recvs.add(new Posted(seq, rr.wrId(), true, 0));
                wrs.add(DisniMapping.recvWr(rr, seq));
            }
            SVCPostRecv call = null;
            try {
                call = qp.postRecv(wrs);
                call.execute();
            } catch (IOException e) {
                for (int i = 0; i < n; i++) {
                    recvs.pollLast();
                }
                rq.release(n);
                throw new RdmaException("ibv_post_recv failed: " + e, e);
            } finally {
                if (call != null) {
                    call.free();
                }
            }
            return n;
        }
    }

    /** Called by DiSNI's CQ thread for every work completion of this queue pair. */
    void onCompletion(IbvWC wc) {
        long id = wc.getWr_id();
        boolean recv = (id & DisniMapping.RECV_BIT) != 0;
        long seq = id & ~DisniMapping.RECV_BIT;
        CompletionStatus status = CompletionStatus.ofCode(wc.getStatus());
        if (status != CompletionStatus.SUCCESS && state == EndpointState.CONNECTED) {
            // The QP is in error now; the NIC flushes the rest.
            state = EndpointState.ERROR;
        }
        if (recv) {
            Posted p;
            synchronized (recvLock) {
                p = recvs.peek();
                while (p != null && p.seq < seq) {
                    recvs.poll();
                    rq.release();
                    p = recvs.peek();
                }
                if (p != null && p.seq == seq) {
                    recvs.poll();
                } else {
                    p = null;
                }
            }
            if (p != null) {
                CompletionOpcode op = status == CompletionStatus.SUCCESS ? DisniMapping.completionOpcode(wc, true)
                        : CompletionOpcode.RECV;
                recvCq.add(new Completion(p.userWrId, status, op, wc.getByte_len(),
                        op == CompletionOpcode.RECV_RDMA_WITH_IMM ? DisniMapping.immediateFromVerbs(wc.getImm_data()) : 0, this), rq);
            }
            return;
        }
        Posted p;
        synchronized (sendLock) {
            p = sends.peek();
            while (p != null && p.seq < seq) {
                // earlier unsignaled requests finished before this one
                sends.poll();
                sq.release();
                p = sends.peek();
            }
            if (p != null && p.seq == seq) {
                sends.poll();
            } else {
                p = null;
            }
        }
        if (p != null) {
            CompletionOpcode op = DisniMapping.completionOpcode(wc, false);
            sendCq.add(new Completion(p.userWrId, status, op, p.bytes, 0, this), sq);
        }
    }

    private void ensureNotClosed() {
        if (state == EndpointState.CLOSED) {
            throw new ResourceClosedException("disni endpoint " + local + " -> " + remote + " is closed");
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

    @Override
    public void close() {
        synchronized (sendLock) {
            if (state == EndpointState.CLOSED) {
                return;
            }
            state = EndpointState.CLOSED;
        }
        try {
            qp.close();
        } catch (IOException e) {
            throw new RdmaException("closing disni endpoint: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sendCq.unreserve(options.maxSendWr());
            recvCq.unreserve(options.maxRecvWr());
            if (onClose != null) {
                onClose.run();
            }
        }
    }
}
