package dev.rkv.rdma;

/** The provider cannot run on this machine; the message says what is missing and how to install it. */
public class ProviderUnavailableException extends RdmaException {
    public ProviderUnavailableException(String message) {
        super(message);
    }

    public ProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
