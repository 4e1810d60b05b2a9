package dev.rkv.rdma.soft;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One accepted TCP connection that has not finished the handshake, owned by the listener
 * thread: the bytes of its hello so far and its deadline. After a HELLO_NEW it waits for the
 * second connection of the same token; it then has only a token and peer info, and any byte
 * it sends is a protocol error.
 */
final class PendingConnection {
    /** Hellos are short; grow only for the rare peer sending a large info block. */
    private static final int INITIAL_BUFFER = 64;
    /** One byte over the longest hello, so that trailing garbage is seen as such. */
    private static final int MAX_BUFFER = Handshake.MAX_HELLO + 1;

    final SocketChannel channel;
    final SelectionKey key;
    private final SocketAddress peer;
    private ByteBuffer received;
    private long deadlineNanos;
    private String token;
    private byte[] peerInfo;

    PendingConnection(SocketChannel channel, SelectionKey key, long deadlineNanos) throws IOException {
        this.channel = channel;
        this.key = key;
        this.peer = channel.getRemoteAddress();
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Reads what is available, at most up to the longest valid hello.
     *
     * @return the bytes received so far (position 0 to limit), or null at end of stream
     */
    ByteBuffer read() throws IOException {
        if (received == null) {
            received = ByteBuffer.allocate(INITIAL_BUFFER);
        }
        if (!received.hasRemaining() && received.capacity() < MAX_BUFFER) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(MAX_BUFFER, received.capacity() * 4));
            received = bigger.put(received.flip());
        }
        if (!received.hasRemaining()) {
            throw new IOException("handshake longer than " + Handshake.MAX_HELLO + " bytes");
        }
        if (channel.read(received) < 0) {
            return null;
        }
        return received.duplicate().flip();
    }

    /** The hello was HELLO_NEW: from now on the connection waits for its second one. */
    void awaitJoin(String token, byte[] peerInfo, long deadlineNanos) {
        this.token = token;
        this.peerInfo = peerInfo;
        this.deadlineNanos = deadlineNanos;
        this.received = null;
    }

    /** The token of a first connection waiting for its second; null before HELLO_NEW. */
    String token() {
        return token;
    }

    byte[] peerInfo() {
        return peerInfo;
    }

    boolean expired(long nowNanos) {
        return nowNanos - deadlineNanos > 0;
    }

    @Override
    public String toString() {
        return String.valueOf(peer);
    }
}
