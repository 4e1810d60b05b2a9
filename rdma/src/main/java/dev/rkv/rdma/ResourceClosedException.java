package dev.rkv.rdma;

/** A device, region, queue, listener or endpoint was used after it was closed or deregistered. */
public class ResourceClosedException extends RdmaException {
    public ResourceClosedException(String message) {
        super(message);
    }

    public ResourceClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
