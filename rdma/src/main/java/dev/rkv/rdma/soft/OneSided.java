package dev.rkv.rdma.soft;

import dev.rkv.rdma.CompletionStatus;
import dev.rkv.rdma.WorkRequest;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A way for the requester to execute READ and WRITE itself, without the responder (used by
 * {@code shm}). The soft engine still carries SENDs and immediates over its connections.
 */
public interface OneSided {

    /** Bytes this side sends in the connection handshake (e.g. where its regions live). */
    byte[] localInfo();

    /** Prepares access to the peer's memory from what the peer sent in the handshake. */
    PeerMemory attach(byte[] peerInfo) throws IOException;

    /** Access to one peer's registered memory. */
    interface PeerMemory {
        /**
         * Executes a READ, WRITE or the data part of a WRITE_WITH_IMM between {@code local}
         * and the peer's region named by {@code wr.rkey()}, checking rkey, bounds and access.
         */
        CompletionStatus execute(WorkRequest wr, ByteBuffer[] local);

        /** Releases mappings; idempotent. */
        void close();
    }
}
