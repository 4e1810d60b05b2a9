package dev.rkv.benchmark;

/** A run that cannot go on (no connection, the server closed it, a protocol error); the message is one line. */
final class BenchmarkException extends Exception {
    BenchmarkException(String message) {
        super(message);
    }

    BenchmarkException(String message, Throwable cause) {
        super(message, cause);
    }
}
