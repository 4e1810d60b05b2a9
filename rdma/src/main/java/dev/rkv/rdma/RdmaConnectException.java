package dev.rkv.rdma;

/** Connecting or accepting failed: refused, unreachable, timed out, or the handshake was bad. */
public class RdmaConnectException extends RdmaException {
    public RdmaConnectException(String message) {
        super(message);
    }

    public RdmaConnectException(String message, Throwable cause) {
        super(message, cause);
    }
}
