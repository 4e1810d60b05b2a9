package dev.rkv.kvserver.repl;

import dev.rkv.resprdma.RespRdmaChannel;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.TimeUnit;

/**
 * Where a sync thread writes a replica's RDB: the replica's connection, whose reads the event
 * loop keeps owning. TCP waits for room with a selector; RDMA has no writable event, so it polls
 * its channel (thread-safe) and waits for completions, the peer's re-announced buffer among them.
 */
sealed interface ReplicaSink {
    /** The channel to write to (non-blocking: a write may take 0 bytes). */
    WritableByteChannel channel();

    /** A replica connected over TCP. */
    record Tcp(SocketChannel socket) implements ReplicaSink {
        @Override
        public WritableByteChannel channel() {
            return socket;
        }
    }

    /** A replica connected over RESP-over-RDMA. */
    record Rdma(RespRdmaChannel rdma) implements ReplicaSink {
        @Override
        public WritableByteChannel channel() {
            return rdma;
        }

        /** Processes completions so a write can see the peer's buffer again; fails once the channel is gone. */
        void poll() throws IOException {
            rdma.poll();
            if (!rdma.isOpen()) {
                throw new IOException("replica connection closed: " + rdma.closeReason());
            }
        }

        /** Waits up to {@code ms} for completions (the event loop may take them first: callers poll again). */
        void await(long ms) throws IOException {
            try {
                rdma.awaitCompletions(ms, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted waiting for an RDMA replica");
            }
        }
    }
}
