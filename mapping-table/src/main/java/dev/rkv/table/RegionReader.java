package dev.rkv.table;

import java.nio.ByteBuffer;

/**
 * Reads bytes of the remote table for {@link TableReader#lookup}: the agent implements it
 * with an RDMA READ (tests with a copy of a local region).
 */
@FunctionalInterface
public interface RegionReader {

    /**
     * The {@code length} bytes at table offset {@code offset}, at index 0 of the returned
     * buffer, which the caller owns until the next call.
     */
    ByteBuffer read(long offset, int length);
}
