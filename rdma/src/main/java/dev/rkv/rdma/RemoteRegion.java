package dev.rkv.rdma;

/**
 * What a peer needs to access a region: its address, length and rkey. Send it to the peer
 * by any means (a SEND, the replication handshake); the peer targets
 * {@code address() + offset} with {@code rkey()}.
 */
public record RemoteRegion(long address, long length, int rkey) {
    /** The remote address {@code offset} bytes into the region. */
    public long at(long offset) {
        return address + offset;
    }
}
