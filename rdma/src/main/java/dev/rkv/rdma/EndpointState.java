package dev.rkv.rdma;

/** Life cycle of an endpoint (a subset of verbs QP states). */
public enum EndpointState {
    /** Ready to send and receive (RTS). */
    CONNECTED,
    /**
     * A work request failed or the peer vanished (ERR): every outstanding and later request
     * completes with {@link CompletionStatus#WR_FLUSH_ERR}.
     */
    ERROR,
    /** {@link Endpoint#close()} was called; posting throws {@link ResourceClosedException}. */
    CLOSED
}
