package dev.rkv.rdma;

/** What a completion completes ({@code IBV_WC_*} opcodes). */
public enum CompletionOpcode {
    SEND,
    RDMA_WRITE,
    RDMA_READ,
    /** A posted receive consumed by a SEND; {@link Completion#byteLength()} is the message size. */
    RECV,
    /**
     * A posted receive consumed by a WRITE_WITH_IMM; {@link Completion#immediate()} holds the
     * immediate and {@link Completion#byteLength()} the number of bytes written.
     */
    RECV_RDMA_WITH_IMM;

    /** The completion opcode a successful send-queue work request produces. */
    public static CompletionOpcode of(Opcode op) {
        switch (op) {
            case READ:
                return RDMA_READ;
            case WRITE:
            case WRITE_WITH_IMM:
                return RDMA_WRITE;
            case SEND:
                return SEND;
            default:
                throw new IllegalArgumentException(String.valueOf(op));
        }
    }
}
