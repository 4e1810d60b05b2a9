package dev.rkv.replica;

import dev.rkv.rdma.Providers;

/**
 * Settings of a replica agent, validated once by {@link #validate()}.
 *
 * @param provider         RDMA provider to pull with; must match the primary agent's
 * @param endpoints        endpoints (queue pairs) to pull over at once
 * @param readBytes        bytes per READ (whole slots of a class per READ)
 * @param outstanding      READs outstanding per endpoint
 * @param slotRetries      times a torn or corrupt slot is read again before the sync fails
 * @param stallMillis      longest wait for any completion before the primary counts as gone
 * @param maxRestarts      epoch changes a sync follows before giving up (the link retries later)
 */
public record ReplicaAgentOptions(String provider, int endpoints, int readBytes, int outstanding, int slotRetries, long stallMillis,
                                  int maxRestarts) {

    public static ReplicaAgentOptions defaults() {
        return new ReplicaAgentOptions("soft", 2, 1 << 20, 8, 1000, 10_000, 5);
    }

    public ReplicaAgentOptions withProvider(String p) {
        return new ReplicaAgentOptions(p, endpoints, readBytes, outstanding, slotRetries, stallMillis, maxRestarts);
    }

    public ReplicaAgentOptions withEndpoints(int n) {
        return new ReplicaAgentOptions(provider, n, readBytes, outstanding, slotRetries, stallMillis, maxRestarts);
    }

    public ReplicaAgentOptions withReads(int bytes, int perEndpoint) {
        return new ReplicaAgentOptions(provider, endpoints, bytes, perEndpoint, slotRetries, stallMillis, maxRestarts);
    }

    public ReplicaAgentOptions withSlotRetries(int n) {
        return new ReplicaAgentOptions(provider, endpoints, readBytes, outstanding, n, stallMillis, maxRestarts);
    }

    public ReplicaAgentOptions withStallMillis(long ms) {
        return new ReplicaAgentOptions(provider, endpoints, readBytes, outstanding, slotRetries, ms, maxRestarts);
    }

    /** @throws IllegalArgumentException naming the option, the limit and the value */
    public ReplicaAgentOptions validate() {
        if (provider == null || !Providers.names().contains(provider)) {
            throw new IllegalArgumentException("provider must be one of " + Providers.names() + ", was '" + provider + "'");
        }
        check("endpoints", endpoints, 1, 16);
        check("READ size", readBytes, 4096, 64 << 20);
        check("outstanding READs per endpoint", outstanding, 1, 256);
        check("slot retries", slotRetries, 1, 1_000_000);
        check("stall timeout (ms)", stallMillis, 100, 600_000);
        check("restarts", maxRestarts, 0, 1000);
        if ((long) endpoints * outstanding * readBytes > (1L << 30)) {
            throw new IllegalArgumentException("endpoints x outstanding x READ size must be at most 1 GiB of staging, was "
                + (long) endpoints * outstanding * readBytes);
        }
        return this;
    }

    private static void check(String name, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + v);
        }
    }
}
