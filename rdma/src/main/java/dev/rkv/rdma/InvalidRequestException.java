package dev.rkv.rdma;

/** A work request or receive is malformed (too many sges, negative length, missing remote key); nothing of the batch was posted. */
public class InvalidRequestException extends RdmaException {
    public InvalidRequestException(String message) {
        super(message);
    }

    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
