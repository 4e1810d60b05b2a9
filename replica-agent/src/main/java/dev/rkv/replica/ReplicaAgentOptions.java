package dev.rkv.replica;

import dev.rkv.rdma.Providers;
import dev.rkv.table.TableGeometry;

/**
 * Settings of a replica agent, validated once by {@link #validate()}.
 *
 * @param provider         RDMA provider to pull with; must match the primary agent's
 * @param endpoints        endpoints (queue pairs) to pull over at once
 * @param readBytes        bytes per READ (whole slots of a class per READ)
 * @param outstanding      READs outstanding per endpoint
 * @param slotRetries      times a torn or corrupt slot is read again before the sync fails
 * @param stallMillis      the pull timeout: longest wait for the descriptor, for an endpoint to
 *                         connect, or for any READ to complete before the primary counts as gone
 *                         or stalled and the sync fails (the link retries later)
 * @param maxRestarts      epoch changes a sync follows before giving up (the link retries later)
 * @param maxTableBytes    largest table this replica agrees to pull: a primary naming a bigger
 *                         region or table is refused before anything is allocated for it
 * @param tableCopyDirectory where the replica keeps its adopted copy of the pulled slot classes
 *                         (a tmpfs or hugetlbfs directory; the file is unlinked at once), or null
 *                         to copy every value onto the heap instead
 */
public record ReplicaAgentOptions(String provider, int endpoints, int readBytes, int outstanding, int slotRetries, long stallMillis,
                                  int maxRestarts, long maxTableBytes, java.nio.file.Path tableCopyDirectory) {

    /** Smallest {@link #maxTableBytes} accepted: a table's header alone is 4 KiB. */
    public static final long MIN_TABLE_BYTES = 1 << 20;

    /** Settings with the default largest table ({@link #defaultMaxTableBytes()}). */
    public ReplicaAgentOptions(String provider, int endpoints, int readBytes, int outstanding, int slotRetries, long stallMillis,
                               int maxRestarts) {
        this(provider, endpoints, readBytes, outstanding, slotRetries, stallMillis, maxRestarts, defaultMaxTableBytes(),
            defaultTableCopyDirectory());
    }

    /** The devices' shared-memory directory (/dev/shm) where there is one, else none: values are then copied onto the heap. */
    public static java.nio.file.Path defaultTableCopyDirectory() {
        java.nio.file.Path shm = dev.rkv.rdma.DeviceOptions.defaults().shmDirectory();
        return java.nio.file.Files.isDirectory(shm) ? shm : null;
    }

    public static ReplicaAgentOptions defaults() {
        return new ReplicaAgentOptions("soft", 2, 1 << 20, 8, 1000, 10_000, 5);
    }

    /**
     * Twice the JVM's largest heap: a replica keeps its keys on the heap (and its values too in
     * copy mode), so a bigger table, even allowing for a primary's headroom of empty slots, is
     * more than this JVM was sized for.
     */
    public static long defaultMaxTableBytes() {
        long heap = Runtime.getRuntime().maxMemory();
        return heap >= TableGeometry.MAX_TABLE_LENGTH / 2 ? TableGeometry.MAX_TABLE_LENGTH : Math.max(MIN_TABLE_BYTES, 2 * heap);
    }

    public ReplicaAgentOptions withProvider(String p) {
        return new ReplicaAgentOptions(p, endpoints, readBytes, outstanding, slotRetries, stallMillis, maxRestarts, maxTableBytes, tableCopyDirectory);
    }

    public ReplicaAgentOptions withEndpoints(int n) {
        return new ReplicaAgentOptions(provider, n, readBytes, outstanding, slotRetries, stallMillis, maxRestarts, maxTableBytes, tableCopyDirectory);
    }

    public ReplicaAgentOptions withReads(int bytes, int perEndpoint) {
        return new ReplicaAgentOptions(provider, endpoints, bytes, perEndpoint, slotRetries, stallMillis, maxRestarts, maxTableBytes, tableCopyDirectory);
    }

    public ReplicaAgentOptions withSlotRetries(int n) {
        return new ReplicaAgentOptions(provider, endpoints, readBytes, outstanding, n, stallMillis, maxRestarts, maxTableBytes, tableCopyDirectory);
    }

    public ReplicaAgentOptions withStallMillis(long ms) {
        return new ReplicaAgentOptions(provider, endpoints, readBytes, outstanding, slotRetries, ms, maxRestarts, maxTableBytes, tableCopyDirectory);
    }

    public ReplicaAgentOptions withMaxTableBytes(long bytes) {
        return new ReplicaAgentOptions(provider, endpoints, readBytes, outstanding, slotRetries, stallMillis, maxRestarts, bytes, tableCopyDirectory);
    }

    public ReplicaAgentOptions withTableCopyDirectory(java.nio.file.Path dir) {
        return new ReplicaAgentOptions(provider, endpoints, readBytes, outstanding, slotRetries, stallMillis, maxRestarts, maxTableBytes, dir);
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
        check("largest table (bytes)", maxTableBytes, MIN_TABLE_BYTES, TableGeometry.MAX_TABLE_LENGTH);
        if (tableCopyDirectory != null && !java.nio.file.Files.isDirectory(tableCopyDirectory)) {
            throw new IllegalArgumentException("table copy directory must be a directory, was '" + tableCopyDirectory + "'");
        }
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
