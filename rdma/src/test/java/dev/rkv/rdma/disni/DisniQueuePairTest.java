package dev.rkv.rdma.disni;

import com.ibm.disni.RdmaEndpoint;
import com.ibm.disni.verbs.IbvRecvWR;
import com.ibm.disni.verbs.IbvSendWR;
import com.ibm.disni.verbs.IbvSge;
import com.ibm.disni.verbs.IbvWC;
import com.ibm.disni.verbs.SVCPostRecv;
import com.ibm.disni.verbs.SVCPostSend;
import dev.rkv.rdma.Completion;
import dev.rkv.rdma.CompletionOpcode;
import dev.rkv.rdma.CompletionStatus;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.EndpointState;
import dev.rkv.rdma.Opcode;
import dev.rkv.rdma.RdmaException;
import dev.rkv.rdma.RecvRequest;
import dev.rkv.rdma.ResourceClosedException;
import dev.rkv.rdma.ScatterGatherEntry;
import dev.rkv.rdma.WorkRequest;
import dev.rkv.rdma.support.BasicCompletionQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * Checks, against DiSNI's own classes (mocked where they would call native code), that work
 * requests, sges, rkeys, immediates and completions are mapped the way verbs expects.
 */
class DisniQueuePairTest {
    private RdmaEndpoint qp;
    private SVCPostSend postSend;
    private SVCPostRecv postRecv;
    private BasicCompletionQueue cq;
    private DisniQueuePair pair;

    @BeforeEach
    void setUp() throws IOException {
        qp = mock(RdmaEndpoint.class);
        postSend = mock(SVCPostSend.class);
        postRecv = mock(SVCPostRecv.class);
        when(qp.postSend(anyList())).thenReturn(postSend);
        when(qp.postRecv(anyList())).thenReturn(postRecv);
        when(postSend.execute()).thenReturn(postSend);
        when(postRecv.execute()).thenReturn(postRecv);
        cq = new BasicCompletionQueue(64);
        pair = new DisniQueuePair(qp, EndpointOptions.of(cq).withDepths(4, 4), cq, cq,
                new InetSocketAddress("10.0.0.1", 1), new InetSocketAddress("10.0.0.2", 2), null);
    }

    @SuppressWarnings("unchecked")
    private List<IbvSendWR> capturedSends(int calls) throws IOException {
        ArgumentCaptor<List<IbvSendWR>> c = ArgumentCaptor.forClass(List.class);
        verify(qp, times(calls)).postSend(c.capture());
        return c.getValue();
    }

    @SuppressWarnings("unchecked")
    private List<IbvRecvWR> capturedRecvs() throws IOException {
        ArgumentCaptor<List<IbvRecvWR>> c = ArgumentCaptor.forClass(List.class);
        verify(qp).postRecv(c.capture());
        return c.getValue();
    }

    /** The four bytes DiSNI copies into native memory for an int field (host order). */
    private static byte[] asLaidOutByDisni(int field) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(field).array();
    }

    /** The int DiSNI reads from native memory holding these four bytes (host order). */
    private static int asReadByDisni(int b0, int b1, int b2, int b3) {
        return ByteBuffer.wrap(new byte[] {(byte) b0, (byte) b1, (byte) b2, (byte) b3}).order(ByteOrder.nativeOrder()).getInt();
    }

    private static IbvWC wc(long wrId, CompletionStatus status, int opcode, int byteLen, int imm) {
        IbvWC wc = new IbvWC();
        wc.setWr_id(wrId);
        wc.setStatus(status.code());
        wc.setOpcode(opcode);
        wc.setByte_len(byteLen);
        wc.setImm_data(imm);
        return wc;
    }

    @Test
    void readBecomesRdmaReadWithRemoteAddressRkeyAndSges() throws IOException {
        ScatterGatherEntry sge = new ScatterGatherEntry(0x1000, 4096, 17);
        assertTrue(pair.postSend(WorkRequest.read(77, sge, 0x7f0000001000L, 0xabcdef)));
        List<IbvSendWR> wrs = capturedSends(1);
        assertEquals(1, wrs.size());
        IbvSendWR wr = wrs.get(0);
        assertEquals(IbvSendWR.IBV_WR_RDMA_READ, wr.getOpcode());
        assertEquals(IbvSendWR.IBV_SEND_SIGNALED, wr.getSend_flags());
        assertEquals(0x7f0000001000L, wr.getRdma().getRemote_addr());
        assertEquals(0xabcdef, wr.getRdma().getRkey());
        assertEquals(1, wr.getNum_sge());
        IbvSge s = wr.getSge(0);
        assertEquals(0x1000, s.getAddr());
        assertEquals(4096, s.getLength());
        assertEquals(17, s.getLkey());
        verify(postSend).execute();
        verify(postSend).free();

        pair.onCompletion(wc(wr.getWr_id(), CompletionStatus.SUCCESS, IbvWC.IbvWcOpcode.IBV_WC_RDMA_READ.getOpcode(), 4096, 0));
        Completion c = cq.poll();
        assertEquals(77, c.wrId());
        assertEquals(CompletionStatus.SUCCESS, c.status());
        assertEquals(CompletionOpcode.RDMA_READ, c.opcode());
        assertEquals(pair, c.endpoint());
    }

    @Test
    void writeWithImmCarriesTheImmediateAndSendHasNoRemoteKey() throws IOException {
        ScatterGatherEntry a = new ScatterGatherEntry(0x2000, 10, 3);
        ScatterGatherEntry b = new ScatterGatherEntry(0x3000, 20, 4);
        pair.postSend(List.of(new WorkRequest(1, Opcode.WRITE_WITH_IMM, List.of(a, b), 0x9000, 55, 0x01020304, true),
                WorkRequest.send(2, a).withSignaled(false)));
        List<IbvSendWR> wrs = capturedSends(1);
        assertEquals(2, wrs.size());
        assertEquals(IbvSendWR.IBV_WR_RDMA_WRITE_WITH_IMM, wrs.get(0).getOpcode());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, asLaidOutByDisni(wrs.get(0).getImm_data()),
                "imm_data is __be32: network order in memory and on the wire, as a Valkey peer reads it");
        assertEquals(2, wrs.get(0).getNum_sge());
        assertEquals(0x3000, wrs.get(0).getSge(1).getAddr());
        assertEquals(55, wrs.get(0).getRdma().getRkey());
        assertEquals(IbvSendWR.IBV_WR_SEND, wrs.get(1).getOpcode());
        assertEquals(0, wrs.get(1).getSend_flags());
        assertEquals(0, wrs.get(1).getRdma().getRkey());
        assertNotEquals(wrs.get(0).getWr_id(), wrs.get(1).getWr_id());
    }

    @Test
    void unsignaledSlotsComeBackWithTheNextSignaledCompletion() throws IOException {
        ScatterGatherEntry sge = new ScatterGatherEntry(0x1000, 8, 1);
        assertEquals(3, pair.postSend(List.of(WorkRequest.write(1, sge, 0x10, 9).withSignaled(false),
                WorkRequest.write(2, sge, 0x10, 9).withSignaled(false), WorkRequest.write(3, sge, 0x10, 9))));
        assertEquals(1, pair.sendQueueFree());
        IbvSendWR last = capturedSends(1).get(2);
        pair.onCompletion(wc(last.getWr_id(), CompletionStatus.SUCCESS, IbvWC.IbvWcOpcode.IBV_WC_RDMA_WRITE.getOpcode(), 0, 0));
        assertEquals(3, pair.sendQueueFree(), "the two unsignaled writes finished before the signaled one");
        Completion c = cq.poll();
        assertEquals(3, c.wrId());
        assertEquals(CompletionOpcode.RDMA_WRITE, c.opcode());
        assertNull(cq.poll());
        assertEquals(4, pair.sendQueueFree());
    }

    @Test
    void sendQueueDepthLimitsWhatReachesTheNic() throws IOException {
        ScatterGatherEntry sge = new ScatterGatherEntry(0x1000, 8, 1);
        List<WorkRequest> six = List.of(WorkRequest.send(1, sge), WorkRequest.send(2, sge), WorkRequest.send(3, sge),
                WorkRequest.send(4, sge), WorkRequest.send(5, sge), WorkRequest.send(6, sge));
        assertEquals(4, pair.postSend(six));
        assertEquals(4, capturedSends(1).size());
        assertEquals(0, pair.postSend(six));
    }

    @Test
    void errorCompletionMapsStatusAndPutsTheEndpointInError() throws IOException {
        pair.postSend(WorkRequest.read(5, new ScatterGatherEntry(0x1000, 8, 1), 0x10, 9));
        IbvSendWR wr = capturedSends(1).get(0);
        pair.onCompletion(wc(wr.getWr_id(), CompletionStatus.REM_ACCESS_ERR, 0, 0, 0));
        Completion c = cq.poll();
        assertEquals(CompletionStatus.REM_ACCESS_ERR, c.status());
        assertEquals(5, c.wrId());
        assertEquals(EndpointState.ERROR, pair.state());
    }

    @Test
    void receiveWithImmediateCarriesImmediateAndByteCount() throws IOException {
        assertEquals(2, pair.postRecv(List.of(RecvRequest.immOnly(8), RecvRequest.of(9, new ScatterGatherEntry(0x5000, 32, 6)))));
        List<IbvRecvWR> wrs = capturedRecvs();
        assertEquals(0, wrs.get(0).getNum_sge());
        assertTrue((wrs.get(0).getWr_id() & DisniMapping.RECV_BIT) != 0);
        pair.onCompletion(wc(wrs.get(0).getWr_id(), CompletionStatus.SUCCESS,
                IbvWC.IbvWcOpcode.IBV_WC_RECV_RDMA_WITH_IMM.getOpcode(), 100, asReadByDisni(0, 0, 4, 0xd2)));
        Completion c = cq.poll();
        assertEquals(8, c.wrId());
        assertEquals(CompletionOpcode.RECV_RDMA_WITH_IMM, c.opcode());
        assertEquals(1234, c.immediate());
        assertEquals(100, c.byteLength());
    }

    @Test
    void flushedReceiveIsReportedAsFlushedRecv() throws IOException {
        pair.postRecv(RecvRequest.of(9, new ScatterGatherEntry(0x5000, 32, 6)));
        IbvRecvWR wr = capturedRecvs().get(0);
        assertEquals(32, wr.getSg_list().get(0).getLength());
        pair.onCompletion(wc(wr.getWr_id(), CompletionStatus.WR_FLUSH_ERR, 0xff, 0, 0));
        Completion c = cq.poll();
        assertEquals(9, c.wrId());
        assertEquals(CompletionStatus.WR_FLUSH_ERR, c.status());
        assertEquals(CompletionOpcode.RECV, c.opcode());
    }

    @Test
    void failedPostReturnsTheSlotsAndThrows() throws IOException {
        when(postSend.execute()).thenThrow(new IOException("ENOMEM"));
        assertThrows(RdmaException.class, () -> pair.postSend(WorkRequest.send(1, new ScatterGatherEntry(0, 1, 1))));
        assertEquals(4, pair.sendQueueFree());
        verify(postSend).free();
    }

    @Test
    void closeIsIdempotentAndPostingAfterCloseThrows() throws Exception {
        pair.close();
        pair.close();
        verify(qp, times(1)).close();
        assertEquals(EndpointState.CLOSED, pair.state());
        assertThrows(ResourceClosedException.class, () -> pair.postSend(WorkRequest.send(1, new ScatterGatherEntry(0, 1, 1))));
        assertThrows(ResourceClosedException.class, () -> pair.postRecv(RecvRequest.immOnly(1)));
    }
}
