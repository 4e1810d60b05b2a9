package dev.rkv.rdma;

import java.util.List;

/**
 * A send-queue work request ({@code struct ibv_send_wr}).
 *
 * <p>{@code sges} are the local buffers: the destination of a READ, the source of a WRITE,
 * WRITE_WITH_IMM or SEND. {@code remoteAddress} and {@code rkey} name the peer's memory for
 * READ/WRITE/WRITE_WITH_IMM and are ignored for SEND. {@code immediate} is used only by
 * WRITE_WITH_IMM. An unsignaled request produces a completion only if it fails; its send
 * queue slot is freed when it finishes.
 */
public record WorkRequest(long wrId, Opcode opcode, List<ScatterGatherEntry> sges,
                          long remoteAddress, int rkey, int immediate, boolean signaled) {

    public WorkRequest {
        if (opcode == null) {
            throw new IllegalArgumentException("opcode is null");
        }
        sges = List.copyOf(sges);
    }

    /** Total bytes of all scatter/gather entries. */
    public long byteLength() {
        long n = 0;
        for (ScatterGatherEntry sge : sges) {
            n += sge.length();
        }
        return n;
    }

    /** A signaled READ of {@code local.length()} bytes from {@code remoteAddress}. */
    public static WorkRequest read(long wrId, ScatterGatherEntry local, long remoteAddress, int rkey) {
        return new WorkRequest(wrId, Opcode.READ, List.of(local), remoteAddress, rkey, 0, true);
    }

    /** A signaled WRITE of {@code local} to {@code remoteAddress}. */
    public static WorkRequest write(long wrId, ScatterGatherEntry local, long remoteAddress, int rkey) {
        return new WorkRequest(wrId, Opcode.WRITE, List.of(local), remoteAddress, rkey, 0, true);
    }

    /** A signaled WRITE_WITH_IMM of {@code local} to {@code remoteAddress} carrying {@code immediate}. */
    public static WorkRequest writeWithImm(long wrId, ScatterGatherEntry local, long remoteAddress, int rkey,
                                           int immediate) {
        return new WorkRequest(wrId, Opcode.WRITE_WITH_IMM, List.of(local), remoteAddress, rkey, immediate, true);
    }

    /** A signaled SEND of {@code local}. */
    public static WorkRequest send(long wrId, ScatterGatherEntry local) {
        return new WorkRequest(wrId, Opcode.SEND, List.of(local), 0, 0, 0, true);
    }

    /** This request with {@code signaled} changed. */
    public WorkRequest withSignaled(boolean value) {
        return new WorkRequest(wrId, opcode, sges, remoteAddress, rkey, immediate, value);
    }
}
