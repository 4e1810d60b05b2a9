package dev.rkv.rdma.support;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.ScatterGatherEntry;

import java.nio.ByteBuffer;
import java.util.List;

/** Resolves scatter/gather entries against a region table, as the NIC does with lkeys. */
public final class LocalSges {
    private LocalSges() {
    }

    /**
     * The buffers behind {@code sges}, or null if an lkey is unknown, an entry is outside its
     * region, or the region lacks {@code requiredAccess} (then the request completes with
     * LOC_PROT_ERR).
     */
    public static ByteBuffer[] resolve(RegionTable table, List<ScatterGatherEntry> sges, int requiredAccess) {
        ByteBuffer[] out = new ByteBuffer[sges.size()];
        for (int i = 0; i < out.length; i++) {
            ScatterGatherEntry sge = sges.get(i);
            BasicRegion r = table.byLkey(sge.lkey());
            if (r == null || !r.permits(sge.address(), sge.length(), requiredAccess)) {
                return null;
            }
            out[i] = r.slice(sge.address(), sge.length());
        }
        return out;
    }

    /** Access a local buffer needs: LOCAL_WRITE when the NIC writes into it. */
    public static int localAccessFor(boolean written) {
        return written ? Access.LOCAL_WRITE : 0;
    }

    /** Total remaining bytes of {@code bufs}. */
    public static long remaining(ByteBuffer[] bufs) {
        long n = 0;
        for (ByteBuffer b : bufs) {
            n += b.remaining();
        }
        return n;
    }
}
