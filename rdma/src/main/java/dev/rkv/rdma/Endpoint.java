package dev.rkv.rdma;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A reliable-connected endpoint (a verbs RC queue pair plus its connection).
 *
 * <p>Work requests of one endpoint are executed and completed in posting order. Posting is
 * thread-safe: several threads may post on the same endpoint; each batch is posted
 * contiguously. Posting does not wait for the peer to execute anything ({@code soft} writes
 * small request frames inline, which can wait only for local socket buffer space, and hands
 * larger ones to a sender thread; {@code shm} executes READ/WRITE by copying in the posting
 * thread).
 *
 * <p>Queue depths are enforced as verbs does: a slot is taken at post and returned when its
 * completion is polled (or, for an unsignaled success, when it finishes). Posting into a
 * full queue posts the prefix that fits and returns its length; the caller retries the rest
 * after polling completions (verbs returns ENOMEM and {@code bad_wr}).
 *
 * <p>Invalid requests (unknown opcode use, more sges than {@link EndpointOptions#maxSge()})
 * throw {@link InvalidRequestException} and nothing of the batch is posted. An unknown lkey or
 * an sge outside its region completes with {@link CompletionStatus#LOC_PROT_ERR}.
 */
public interface Endpoint extends AutoCloseable {

    /**
     * Posts a batch of send-queue work requests.
     *
     * @return the number of requests posted, a prefix of {@code batch}; less than its size only
     *         when the send queue is full
     * @throws ResourceClosedException after {@link #close()}
     */
    int postSend(List<WorkRequest> batch);

    /** Posts one work request; false if the send queue is full. */
    default boolean postSend(WorkRequest wr) {
        return postSend(List.of(wr)) == 1;
    }

    /**
     * Posts receives ahead of incoming SEND and WRITE_WITH_IMM.
     *
     * @return the number posted, a prefix of {@code batch}; less only when the receive queue is full
     * @throws ResourceClosedException after {@link #close()}
     */
    int postRecv(List<RecvRequest> batch);

    /** Posts one receive; false if the receive queue is full. */
    default boolean postRecv(RecvRequest rr) {
        return postRecv(List.of(rr)) == 1;
    }

    /** Current state. */
    EndpointState state();

    /** The options this endpoint was created with. */
    EndpointOptions options();

    /** Free send-queue slots right now. */
    int sendQueueFree();

    /** Free receive-queue slots right now. */
    int recvQueueFree();

    /** The peer's address. */
    InetSocketAddress remoteAddress();

    /** This side's address. */
    InetSocketAddress localAddress();

    /**
     * Disconnects and releases the endpoint. Outstanding work requests and posted receives
     * complete with {@link CompletionStatus#WR_FLUSH_ERR}. Idempotent.
     */
    @Override
    void close();
}
