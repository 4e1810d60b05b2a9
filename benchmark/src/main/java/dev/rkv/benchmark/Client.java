package dev.rkv.benchmark;

import dev.rkv.benchmark.transport.Connection;

import java.nio.ByteBuffer;

/**
 * One benchmark connection's state, owned by its {@link Worker}'s thread. Its request buffer holds
 * the pipeline's requests back to back, encoded once; only the random digits are rewritten
 * between batches.
 */
final class Client {
    /** Bytes of the read buffer, as hiredis reads (16 KiB). */
    static final int READ_BUFFER = 16 * 1024;

    /** {@code pipeline} copies of the request. */
    final ByteBuffer requests;
    final int requestLength;
    /** Offsets in {@link #requests} of every {@code __rand_int__} of every copy, copy by copy. */
    final int[] randomOffsets;
    final int randomPerRequest;
    /** AUTH and SELECT, sent and answered before the test starts; null when there are none. */
    final ByteBuffer prefix;
    final int prefixReplies;
    final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER);
    final ReplyScanner scanner = new ReplyScanner();

    Connection connection;
    /** {@link #prefix} or {@link #requests}: what {@link Worker} is writing. */
    ByteBuffer sending;
    /** Registered for writability because {@link #sending} did not go out at once. */
    boolean awaitingWritable;
    boolean handshaking;
    /** Replies still expected for what was sent. */
    int pending;
    /** When the batch in flight started to be written ({@link System#nanoTime()}). */
    long sentAt;

    Client(Request request, int pipeline, byte[] prefix, int prefixReplies) {
        this.requestLength = request.length();
        byte[] one = request.bytes();
        this.requests = ByteBuffer.allocateDirect(requestLength * pipeline);
        for (int i = 0; i < pipeline; i++) {
            requests.put(one);
        }
        requests.clear();
        int[] offsets = request.randomOffsets();
        this.randomPerRequest = offsets.length;
        this.randomOffsets = new int[offsets.length * pipeline];
        for (int i = 0; i < pipeline; i++) {
            for (int k = 0; k < offsets.length; k++) {
                randomOffsets[i * offsets.length + k] = i * requestLength + offsets[k];
            }
        }
        this.prefix = prefix == null ? null : ByteBuffer.allocateDirect(prefix.length).put(prefix).flip();
        this.prefixReplies = prefixReplies;
    }
}
