package dev.rkv.resprdma;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.Completion;
import dev.rkv.rdma.CompletionOpcode;
import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RecvRequest;
import dev.rkv.rdma.WorkRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A client written with the raw SPI that sends whatever a test tells it to: the hostile peer of
 * the contract tests. It posts receives for control messages, keeps its own RX buffer (announced
 * only when told) and writes from its own staging buffer.
 */
public final class HostilePeer implements AutoCloseable {
    private static final int RECEIVES = 64;

    final Endpoint endpoint;
    final CompletionQueue cq;
    final MemoryRegion control;
    final MemoryRegion rx;
    final MemoryRegion staging;
    /** The server side, when the test drives it. */
    RespRdmaChannel server;
    private long wrIds = 1000;

    public HostilePeer(RdmaDevice device, int port) {
        cq = device.createCompletionQueue(256);
        endpoint = device.connect("127.0.0.1", port, EndpointOptions.of(cq).withDepths(64, RECEIVES));
        control = device.allocate(64L * (RECEIVES + 1), Access.LOCAL_WRITE);
        rx = device.allocate(RespRdmaOptions.MIN_RX_SIZE, Access.LOCAL_WRITE | Access.REMOTE_WRITE);
        staging = device.allocate(RespRdmaOptions.MIN_RX_SIZE, Access.LOCAL_WRITE);
        for (int i = 0; i < RECEIVES; i++) {
            endpoint.postRecv(RecvRequest.of(i, control.sge(64L * i, 32)));
        }
    }

    /** SENDs {@code bytes} as they are (any length up to 64). */
    public void sendRaw(byte[] bytes) {
        ByteBuffer b = control.buffer();
        b.position(64 * RECEIVES).put(bytes);
        assertTrue(endpoint.postSend(WorkRequest.send(wrIds++, control.sge(64L * RECEIVES, bytes.length))
                .withSignaled(false)));
    }

    public void send(ControlMessage m) {
        byte[] raw = new byte[32];
        m.encodeTo(ByteBuffer.wrap(raw), 0);
        sendRaw(raw);
    }

    /** Announces our RX buffer, as a conforming peer does right after connecting. */
    public void announceOwnRx() {
        send(ControlMessage.registerXferMemory(rx.address(), rx.length(), rx.rkey()));
    }

    public void fillStaging(byte[] bytes) {
        staging.buffer().put(bytes);
    }

    /** WRITE_WITH_IMM of {@code length} staging bytes to the announced buffer at {@code offset}, claiming {@code imm}. */
    public void writeWithImm(ControlMessage peerRx, long offset, int length, int imm) {
        assertTrue(endpoint.postSend(WorkRequest.writeWithImm(wrIds++, staging.sge(0, length),
                peerRx.address() + offset, peerRx.rkey(), imm).withSignaled(false)));
    }

    /**
     * Waits for the first control message of {@code type} from the server, keeping {@code server}
     * polled meanwhile when it is driven by the test thread (null: a real server drives its own),
     * and re-posting our receives.
     */
    public ControlMessage awaitControl(ControlMessage.Type type, RespRdmaChannel server) throws Exception {
        long deadline = System.nanoTime() + RespRdmaChannelContractTest.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (server != null) {
                server.poll();
            }
            Completion c = cq.take(20, TimeUnit.MILLISECONDS);
            if (c == null) {
                continue;
            }
            assertTrue(c.ok(), c.toString());
            if (c.opcode() != CompletionOpcode.RECV) {
                continue;
            }
            int slot = (int) c.wrId();
            ControlMessage m = ControlMessage.decode(control.buffer(), 64 * slot, c.byteLength());
            endpoint.postRecv(RecvRequest.of(slot, control.sge(64L * slot, 32)));
            if (m.type() == type) {
                return m;
            }
        }
        fail("no " + type + " from the server");
        return null;
    }

    @Override
    public void close() {
        endpoint.close();
        cq.close();
        control.deregister();
        rx.deregister();
        staging.deregister();
    }
}
