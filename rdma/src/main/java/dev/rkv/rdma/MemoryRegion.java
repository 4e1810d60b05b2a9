package dev.rkv.rdma;

import java.nio.ByteBuffer;

/**
 * A registered memory region ({@code ibv_mr}).
 *
 * <h2>Addresses</h2>
 * As in verbs, remote and local addresses are virtual addresses: byte {@code i} of the
 * region is at {@code address() + i}, and an access of {@code n} bytes at {@code a} is in
 * bounds exactly when {@code address() <= a} and {@code a + n <= address() + length()}.
 * The {@code disni} provider uses the real virtual address the NIC knows; {@code soft} and
 * {@code shm} assign each region its own base (distinct, non-overlapping ranges, never 0),
 * so a stale or foreign address fails the bounds check instead of hitting other memory.
 *
 * <h2>Life cycle</h2>
 * {@link #deregister()} (or {@link #close()}) is explicit and idempotent. Afterwards
 * the keys are invalid: remote accesses fail with REM_ACCESS_ERR and local use with
 * LOC_PROT_ERR, and {@link #buffer()} throws {@link ResourceClosedException}.
 */
public interface MemoryRegion extends AutoCloseable {

    /** Virtual address of byte 0. */
    long address();

    /** Length in bytes. */
    long length();

    /** Key for local scatter/gather entries. */
    int lkey();

    /** Key a peer presents to access this region. */
    int rkey();

    /** The {@link Access} flags given at registration. */
    int access();

    /**
     * A view of the region's memory (position 0, limit {@link #length()}); a new duplicate on
     * every call, so callers may move its position freely.
     *
     * @throws ResourceClosedException after deregistration
     */
    ByteBuffer buffer();

    /** The address, length and rkey a peer needs. */
    default RemoteRegion remote() {
        return new RemoteRegion(address(), length(), rkey());
    }

    /** A local sge covering {@code length} bytes from {@code offset}. */
    default ScatterGatherEntry sge(long offset, int length) {
        return ScatterGatherEntry.of(this, offset, length);
    }

    /** False after deregistration. */
    boolean isRegistered();

    /** Deregisters the region; idempotent. */
    void deregister();

    /** Same as {@link #deregister()}. */
    @Override
    default void close() {
        deregister();
    }
}
