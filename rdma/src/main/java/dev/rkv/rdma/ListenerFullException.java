package dev.rkv.rdma;

/**
 * The peer's listener refused the connection because it holds as many endpoints as it may
 * ({@code listener.max-endpoints}): a state of the peer, not a fault of the path, so a caller
 * may choose another way (a replica falls back to the classic sync) instead of retrying.
 */
public final class ListenerFullException extends RdmaConnectException {
    public ListenerFullException(String message) {
        super(message);
    }
}
