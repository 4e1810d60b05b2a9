package dev.rkv.kvserver.command;

/** Per-command counters for INFO commandstats. */
public final class CommandStats {
    private long calls;
    private long micros;
    private long rejectedCalls;
    private long failedCalls;

    void record(long elapsedMicros) {
        calls++;
        micros += elapsedMicros;
    }

    void rejected() {
        rejectedCalls++;
    }

    void failed() {
        failedCalls++;
    }

    public long calls() {
        return calls;
    }

    public long micros() {
        return micros;
    }

    public long rejectedCalls() {
        return rejectedCalls;
    }

    public long failedCalls() {
        return failedCalls;
    }
}
