package dev.rkv.rdma;

/**
 * A work completion ({@code struct ibv_wc}).
 *
 * @param wrId       the work request's id
 * @param status     verbs status; anything but SUCCESS means the endpoint is now in error
 * @param opcode     what completed; for flushed receives {@link CompletionOpcode#RECV}
 * @param byteLength bytes received (RECV, RECV_RDMA_WITH_IMM) or transferred (READ/WRITE/SEND)
 * @param immediate  the immediate of a RECV_RDMA_WITH_IMM, else 0
 * @param endpoint   the endpoint the request was posted on (the verbs qp_num)
 */
public record Completion(long wrId, CompletionStatus status, CompletionOpcode opcode, int byteLength,
                         int immediate, Endpoint endpoint) {

    /** True if {@link #status()} is SUCCESS. */
    public boolean ok() {
        return status == CompletionStatus.SUCCESS;
    }

    /** True for RECV_RDMA_WITH_IMM completions. */
    public boolean hasImmediate() {
        return opcode == CompletionOpcode.RECV_RDMA_WITH_IMM;
    }

    /** True for receive-queue completions. */
    public boolean isRecv() {
        return opcode == CompletionOpcode.RECV || opcode == CompletionOpcode.RECV_RDMA_WITH_IMM;
    }
}
