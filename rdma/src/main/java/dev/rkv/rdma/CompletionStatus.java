package dev.rkv.rdma;

/**
 * Work completion status, mirroring {@code enum ibv_wc_status} (same order, same codes).
 * Any status other than {@link #SUCCESS} moves the endpoint to the error state and every
 * later work request completes with {@link #WR_FLUSH_ERR}, as on a verbs RC queue pair.
 */
public enum CompletionStatus {
    SUCCESS,
    /** A receive buffer was too small for the incoming SEND (receiver side). */
    LOC_LEN_ERR,
    LOC_QP_OP_ERR,
    LOC_EEC_OP_ERR,
    /** A scatter/gather entry is outside the region its lkey names, or the lkey is unknown. */
    LOC_PROT_ERR,
    /** The endpoint was in error or closed; the request was not executed. */
    WR_FLUSH_ERR,
    MW_BIND_ERR,
    BAD_RESP_ERR,
    LOC_ACCESS_ERR,
    /** The responder rejected the request (for example a SEND larger than its receive buffer). */
    REM_INV_REQ_ERR,
    /** Wrong rkey, address outside the region, or missing REMOTE_READ/REMOTE_WRITE. */
    REM_ACCESS_ERR,
    REM_OP_ERR,
    /** The peer stopped answering (vanished, killed, or unreachable past the transport timeout). */
    RETRY_EXC_ERR,
    /** The peer had no posted receive for a SEND or WRITE_WITH_IMM within the RNR timeout. */
    RNR_RETRY_EXC_ERR,
    LOC_RDD_VIOL_ERR,
    REM_INV_RD_REQ_ERR,
    REM_ABORT_ERR,
    INV_EECN_ERR,
    INV_EEC_STATE_ERR,
    FATAL_ERR,
    RESP_TIMEOUT_ERR,
    GENERAL_ERR;

    private static final CompletionStatus[] VALUES = values();

    /** The verbs numeric code ({@code IBV_WC_SUCCESS} is 0). */
    public int code() {
        return ordinal();
    }

    /** The status for a verbs numeric code; unknown codes map to {@link #GENERAL_ERR}. */
    public static CompletionStatus ofCode(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : GENERAL_ERR;
    }
}
