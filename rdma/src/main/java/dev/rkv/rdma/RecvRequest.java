package dev.rkv.rdma;

import java.util.List;

/**
 * A receive posted ahead ({@code struct ibv_recv_wr}). An incoming SEND is scattered into
 * {@code sges}; an incoming WRITE_WITH_IMM consumes the receive without touching its
 * buffers (the data went to the address the writer chose). The buffers need
 * {@link Access#LOCAL_WRITE}. A receive may have no sges (enough for WRITE_WITH_IMM).
 */
public record RecvRequest(long wrId, List<ScatterGatherEntry> sges) {
    public RecvRequest {
        sges = List.copyOf(sges);
    }

    /** A receive into one buffer. */
    public static RecvRequest of(long wrId, ScatterGatherEntry sge) {
        return new RecvRequest(wrId, List.of(sge));
    }

    /** A receive with no buffer, for WRITE_WITH_IMM notifications only. */
    public static RecvRequest immOnly(long wrId) {
        return new RecvRequest(wrId, List.of());
    }

    /** Total bytes of all scatter/gather entries. */
    public long byteLength() {
        long n = 0;
        for (ScatterGatherEntry sge : sges) {
            n += sge.length();
        }
        return n;
    }
}
