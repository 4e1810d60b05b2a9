package dev.rkv.rdma.disni;

import com.ibm.disni.verbs.IbvMr;
import com.ibm.disni.verbs.IbvRecvWR;
import com.ibm.disni.verbs.IbvSendWR;
import com.ibm.disni.verbs.IbvSge;
import com.ibm.disni.verbs.IbvWC;
import dev.rkv.rdma.Access;
import dev.rkv.rdma.CompletionOpcode;
import dev.rkv.rdma.InvalidRequestException;
import dev.rkv.rdma.Opcode;
import dev.rkv.rdma.RecvRequest;
import dev.rkv.rdma.ScatterGatherEntry;
import dev.rkv.rdma.WorkRequest;

import java.nio.ByteOrder;
import java.util.LinkedList;
import java.util.List;

/** Translation between the SPI's types and DiSNI's verbs structures. No state, no native calls. */
final class DisniMapping {
    /** Bit 63 of the wr_id handed to DiSNI marks receives, since a flushed WC has no valid opcode. */
    static final long RECV_BIT = 1L << 63;

    private DisniMapping() {
    }

    /**
     * The SPI's immediate (a plain int) as DiSNI must store it. Verbs declare {@code imm_data} as
     * {@code __be32}: the four bytes in memory, and so on the wire, are big-endian (Valkey writes
     * {@code htonl(length)}). DiSNI copies the Java int into its structures in the host's order, so on
     * a little-endian host the value is swapped here, or a Valkey peer would read another length.
     */
    static int immediateToVerbs(int immediate) {
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? immediate : Integer.reverseBytes(immediate);
    }

    /** The inverse of {@link #immediateToVerbs}: a work completion's {@code imm_data} as the sender's int. */
    static int immediateFromVerbs(int verbsImmediate) {
        return immediateToVerbs(verbsImmediate);
    }

    /** Our access flags as {@code IBV_ACCESS_*} bits. */
    static int accessFlags(int access) {
        int f = 0;
        if ((access & Access.LOCAL_WRITE) != 0) {
            f |= IbvMr.IBV_ACCESS_LOCAL_WRITE;
        }
        if ((access & Access.REMOTE_WRITE) != 0) {
            f |= IbvMr.IBV_ACCESS_REMOTE_WRITE;
        }
        if ((access & Access.REMOTE_READ) != 0) {
            f |= IbvMr.IBV_ACCESS_REMOTE_READ;
        }
        return f;
    }

    static int opcode(Opcode op) {
        switch (op) {
            case READ:
                return IbvSendWR.IBV_WR_RDMA_READ;
            case WRITE:
                return IbvSendWR.IBV_WR_RDMA_WRITE;
            case WRITE_WITH_IMM:
                return IbvSendWR.IBV_WR_RDMA_WRITE_WITH_IMM;
            case SEND:
                return IbvSendWR.IBV_WR_SEND;
            default:
                throw new InvalidRequestException("unsupported opcode " + op);
        }
    }

    static LinkedList<IbvSge> sges(List<ScatterGatherEntry> entries) {
        LinkedList<IbvSge> list = new LinkedList<>();
        for (ScatterGatherEntry e : entries) {
            IbvSge s = new IbvSge();
            s.setAddr(e.address());
            s.setLength(e.length());
            s.setLkey(e.lkey());
            list.add(s);
        }
        return list;
    }

    /** An {@code ibv_send_wr} for {@code wr}, identified to DiSNI by {@code internalId}. */
    static IbvSendWR sendWr(WorkRequest wr, long internalId) {
        IbvSendWR s = new IbvSendWR();
        s.setWr_id(internalId);
        s.setOpcode(opcode(wr.opcode()));
        s.setSend_flags(wr.signaled() ? IbvSendWR.IBV_SEND_SIGNALED : 0);
        LinkedList<IbvSge> list = sges(wr.sges());
        s.setSg_list(list);
        s.setNum_sge(list.size());
        if (wr.opcode() != Opcode.SEND) {
            s.getRdma().setRemote_addr(wr.remoteAddress());
            s.getRdma().setRkey(wr.rkey());
        }
        if (wr.opcode() == Opcode.WRITE_WITH_IMM) {
            s.setImm_data(immediateToVerbs(wr.immediate()));
        }
        return s;
    }

    /** An {@code ibv_recv_wr} for {@code rr}, identified to DiSNI by {@code internalId}. */
    static IbvRecvWR recvWr(RecvRequest rr, long internalId) {
        IbvRecvWR r = new IbvRecvWR();
        r.setWr_id(internalId | RECV_BIT);
        LinkedList<IbvSge> list = sges(rr.sges());
        r.setSg_list(list);
        r.setNum_sge(list.size());
        return r;
    }

    /** The completion opcode of a successful WC ({@code ibv_wc_opcode} values). */
    static CompletionOpcode completionOpcode(IbvWC wc, boolean recv) {
        int op = wc.getOpcode();
        if (recv) {
            return op == IbvWC.IbvWcOpcode.IBV_WC_RECV_RDMA_WITH_IMM.getOpcode() ? CompletionOpcode.RECV_RDMA_WITH_IMM
                    : CompletionOpcode.RECV;
        }
        if (op == IbvWC.IbvWcOpcode.IBV_WC_RDMA_READ.getOpcode()) {
            return CompletionOpcode.RDMA_READ;
        }
        if (op == IbvWC.IbvWcOpcode.IBV_WC_RDMA_WRITE.getOpcode()) {
            return CompletionOpcode.RDMA_WRITE;
        }
        return CompletionOpcode.SEND;
    }
}
