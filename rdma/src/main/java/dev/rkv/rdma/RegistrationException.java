package dev.rkv.rdma;

/** Memory could not be registered (not direct, too large, cannot be shared by this provider). */
public class RegistrationException extends RdmaException {
    public RegistrationException(String message) {
        super(message);
    }

    public RegistrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
