package dev.rkv.rdma;

/**
 * One local buffer piece of a work request ({@code struct ibv_sge}): {@code length} bytes at
 * {@code address} inside the local region whose key is {@code lkey}.
 */
public record ScatterGatherEntry(long address, int length, int lkey) {
    public ScatterGatherEntry {
        if (length < 0) {
            throw new IllegalArgumentException("sge length " + length + " < 0");
        }
    }

    /** The piece of {@code region} starting {@code offset} bytes into it. */
    public static ScatterGatherEntry of(MemoryRegion region, long offset, int length) {
        return new ScatterGatherEntry(region.address() + offset, length, region.lkey());
    }
}
