package dev.rkv.rdma;

/** Send-queue work request opcodes ({@code IBV_WR_*}). */
public enum Opcode {
    /** One-sided read of remote memory into local scatter entries. */
    READ,
    /** One-sided write of local gather entries into remote memory; no remote completion. */
    WRITE,
    /**
     * WRITE that also consumes one posted receive on the peer and completes it as
     * {@link CompletionOpcode#RECV_RDMA_WITH_IMM} carrying the 32-bit immediate and the
     * byte count.
     */
    WRITE_WITH_IMM,
    /** Two-sided send into the peer's next posted receive. */
    SEND
}
