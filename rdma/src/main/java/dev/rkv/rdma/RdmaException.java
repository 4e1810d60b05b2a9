package dev.rkv.rdma;

/** Base of every exception this SPI throws. Unchecked: setup failures are typed subclasses; hot paths report through completion statuses instead. */
public class RdmaException extends RuntimeException {
    public RdmaException(String message) {
        super(message);
    }

    public RdmaException(String message, Throwable cause) {
        super(message, cause);
    }
}
