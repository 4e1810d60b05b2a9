package dev.rkv.kvserver.net;

import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.ClientKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A client connection over a non-blocking byte stream, whatever carries it: reads into the
 * parser, writes replies, closes, and applies the output limits. Transports differ only in how
 * readiness reaches the event loop, which subclasses supply: TCP through its selector key,
 * RDMA through completions (see {@link TcpConnection}, {@link RdmaConnection}).
 */
public abstract class StreamConnection implements Connection, EventLoop.Flushable {
    /** Reads per readiness event before yielding to other connections. */
    private static final int MAX_READS_PER_EVENT = 16;

    private final ByteChannel channel;
    private final EventLoop loop;
    private final ClientInput input;
    private final Listener listener;
    private final String peer;
    private final String local;
    private boolean closeAfterReply;
    private boolean closed;

    /** Told when a connection goes away, so the server can forget its client. */
    public interface Listener {
        void closed(StreamConnection c);

        /** Closing the channel failed; its resources are released regardless. */
        void closeFailed(StreamConnection c, IOException e);

        /** Bytes moved, for INFO stats. */
        void transferred(long in, long out);

        /**
         * Asked whenever output is left pending after a write: true when the client's output buffer
         * is over its client-output-buffer-limit, so the connection is closed at once (as Redis
         * does on every reply) instead of growing until the next cron tick.
         */
        default boolean outputOverLimit(StreamConnection c) {
            return false;
        }
    }

    protected StreamConnection(ByteChannel channel, String peer, String local, EventLoop loop, ClientInput input,
                               Listener listener) {
        this.channel = channel;
        this.peer = peer;
        this.local = local;
        this.loop = loop;
        this.input = input;
        this.listener = listener;
    }

    /** Output is left pending (true) or all written (false): the transport arranges to be told when to retry. */
    protected abstract void outputPending(boolean pending) throws IOException;

    /** Stops readiness notifications for this connection (before the channel closes). */
    protected abstract void detach();

    /**
     * Closes the channel. Bytes already written still reach the peer, as a TCP close delivers
     * what the socket holds; a transport whose close would drop them drains first.
     */
    protected void closeChannel() throws IOException {
        channel.close();
    }

    /** The end of stream was read: the peer closed (RDMA: or broke the protocol, or vanished). */
    protected void endOfStream() {
        close();
    }

    /** True once no more input is processed (closing). */
    protected boolean inputStopped() {
        return input.stopped();
    }

    public Client client() {
        return input.client();
    }

    protected EventLoop loop() {
        return loop;
    }

    /**
     * Reads what the channel has (a bounded number of reads), runs the commands, and writes the
     * replies.
     *
     * @return true if it stopped with input possibly left unread (the read budget was used up)
     */
    protected boolean readAndProcess() throws IOException {
        // The loop's one read buffer, shared by its connections: the parser consumes all of it
        // (keeping a partial command itself) unless the connection is closing, so nothing of one
        // connection is left in it for the next. It is direct, so the channel reads into it
        // without the copy through a temporary direct buffer a heap buffer costs.
        ByteBuffer readBuffer = loop.readBuffer();
        for (int i = 0; i < MAX_READS_PER_EVENT && !closed && !input.stopped(); i++) {
            readBuffer.clear();
            int n = channel.read(readBuffer);
            if (n < 0) {
                endOfStream();
                return false;
            }
            if (n == 0) {
                flush();
                return false;
            }
            listener.transferred(n, 0);
            readBuffer.flip();
            ClientInput.Outcome outcome = input.process(readBuffer);
            if (outcome == ClientInput.Outcome.CLOSE_NOW) {
                close();
                return false;
            }
            if (outcome == ClientInput.Outcome.CLOSE_AFTER_REPLY) {
                closeAfterReply = true;
            }
            if (n < readBuffer.capacity()) {
                // a short read: the channel had no more for now
                flush();
                return false;
            }
        }
        flush();
        return !closed && !input.stopped();
    }

    @Override
    public void flush() {
        if (closed) {
            return;
        }
        writeOut(null);
        afterWrite();
    }

    // ------------------------------------------------------------ IO threads (see IoBatch)
    // The halves below run on an IO thread while the loop waits for them; they touch only this
    // connection's channel, parser, output and the io* fields, which the loop then reads.

    private final List<byte[][]> ioParsed = new ArrayList<>();
    private ClientInput.Outcome ioOutcome = ClientInput.Outcome.CONTINUE;
    private int ioRead;
    private long ioWritten;
    private boolean ioDrained;
    private IOException ioError;

    /** Whether IO threads may read and parse this connection's input and write its output. */
    boolean ioThreadsMay() {
        if (closed || closeAfterReply || input.stopped()) {
            return false;
        }
        Client c = input.client();
        return c.authenticated() && (c.kind() == ClientKind.NORMAL || c.kind() == ClientKind.PUBSUB);
    }

    /** IO thread: one read into {@code buffer}, parsed into commands that {@link #dispatchParsed} runs. */
    void readAndParse(ByteBuffer buffer) {
        ioError = null;
        ioRead = 0;
        ioOutcome = ClientInput.Outcome.CONTINUE;
        try {
            buffer.clear();
            ioRead = channel.read(buffer);
            if (ioRead > 0) {
                buffer.flip();
                ioOutcome = input.parse(buffer, ioParsed);
            }
        } catch (IOException e) {
            ioError = e;
        } catch (RuntimeException | Error e) {
            ioError = new IOException("reading on an io thread failed: " + e, e);
        }
    }

    /** Loop: runs what {@link #readAndParse} parsed and acts on how the read ended. */
    void dispatchParsed() {
        if (closed) {
            ioParsed.clear();
            return;
        }
        if (ioError != null) {
            ioParsed.clear();
            close();
            return;
        }
        if (ioRead < 0) {
            endOfStream();
            return;
        }
        listener.transferred(ioRead, 0);
        ClientInput.Outcome outcome = input.dispatchParsed(ioParsed, ioOutcome);
        if (outcome == ClientInput.Outcome.CLOSE_NOW) {
            close();
        } else if (outcome == ClientInput.Outcome.CLOSE_AFTER_REPLY) {
            closeAfterReply = true;
        }
    }

    /** Whether there is output for an IO thread to write. */
    boolean hasOutput() {
        return !closed && input.client().output().pending() > 0;
    }

    /** Writes what the output holds, on an IO thread or the loop (a write needs no buffer). */
    void writeOut(ByteBuffer ignored) {
        ioError = null;
        ioWritten = 0;
        try {
            Client c = input.client();
            long before = c.output().pending();
            ioDrained = c.output().writeTo(channel);
            ioWritten = before - c.output().pending();
        } catch (IOException e) {
            ioError = e;
        } catch (RuntimeException | Error e) {
            ioError = new IOException("writing on an io thread failed: " + e, e);
        }
    }

    /** Loop: what follows a write: statistics, closing after a last reply, interest, output limits. */
    void afterWrite() {
        if (closed) {
            return;
        }
        if (ioError != null) {
            close();
            return;
        }
        listener.transferred(0, ioWritten);
        try {
            if (ioDrained) {
                if (closeAfterReply) {
                    close();
                    return;
                }
                outputPending(false);
            } else if (listener.outputOverLimit(this)) {
                close();
            } else {
                outputPending(true);
            }
        } catch (IOException e) {
            close();
        }
    }

    @Override
    public String peerAddress() {
        return peer;
    }

    @Override
    public String localAddress() {
        return local;
    }

    @Override
    public void requestFlush() {
        if (!closed) {
            loop.flushLater(this);
        }
    }

    @Override
    public void closeAfterReply() {
        closeAfterReply = true;
        input.stop();
        requestFlush();
    }

    @Override
    public long queryBufferBytes() {
        return input.pendingBytes();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        input.stop();
        detach();
        try {
            closeChannel();
        } catch (IOException e) {
            // The channel is unusable either way; the error is reported, not rethrown, so the
            // client's state below is still released.
            listener.closeFailed(this, e);
        }
        listener.closed(this);
    }

    public boolean isClosed() {
        return closed;
    }
}
