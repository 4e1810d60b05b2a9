package dev.rkv.jedis.rdma;

import dev.rkv.resprdma.RespRdmaStreams;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.util.Set;

/**
 * A {@link Socket} whose streams are a RESP-over-RDMA connection, for code that only knows sockets
 * (Jedis). It is connected when made and never reconnects.
 *
 * <p>What a socket means here: {@link #setSoTimeout} is the read timeout of the streams (a read
 * waiting longer throws {@link java.net.SocketTimeoutException} and the socket stays usable, as
 * with TCP); {@link #close} closes the RDMA channel, which the server sees as a lost connection.
 * The TCP options ({@code TCP_NODELAY}, {@code SO_KEEPALIVE}, {@code SO_LINGER}, buffer sizes ...)
 * mean nothing on RDMA: they are recorded and read back, so code that sets them runs unchanged,
 * and do nothing (the protocol has its own keepalive). Half-close, urgent data and {@code connect}
 * on this socket are refused with a {@link SocketException}: RDMA has no counterpart.
 */
final class RdmaSocket extends Socket {
    private final RespRdmaStreams streams;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private volatile boolean closed;
    // recorded TCP options, no effect on RDMA
    private volatile boolean tcpNoDelay;
    private volatile boolean keepAlive;
    private volatile boolean reuseAddress;
    private volatile boolean oobInline;
    private volatile int linger = -1;
    private volatile int receiveBufferSize;
    private volatile int sendBufferSize;
    private volatile int trafficClass;

    RdmaSocket(RespRdmaStreams streams) throws SocketException {
        // No SocketImpl: every method that would reach one is overridden below.
        super((SocketImpl) null);
        this.streams = streams;
        this.remote = streams.channel().remoteAddress();
        this.local = streams.channel().localAddress();
        this.receiveBufferSize = streams.channel().options().rxSize();
        this.sendBufferSize = receiveBufferSize;
    }

    /** The RDMA streams underneath. */
    RespRdmaStreams streams() {
        return streams;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        checkOpen();
        return streams.input();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        checkOpen();
        return streams.output();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        checkOpen();
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout " + timeout + " < 0");
        }
        streams.setReadTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        checkOpen();
        return streams.readTimeout();
    }

    @Override
    public void close() {
        closed = true;
        streams.close();
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public boolean isBound() {
        return true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isInputShutdown() {
        return false;
    }

    @Override
    public boolean isOutputShutdown() {
        return false;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        throw new SocketException("an RDMA socket is connected when made (to " + remote + ")");
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        throw new SocketException("an RDMA socket is bound when made (to " + local + ")");
    }

    @Override
    public void shutdownInput() throws IOException {
        throw new SocketException("RDMA connections have no half-close");
    }

    @Override
    public void shutdownOutput() throws IOException {
        throw new SocketException("RDMA connections have no half-close");
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("RDMA connections have no urgent data");
    }

    @Override
    public InetAddress getInetAddress() {
        return remote.getAddress();
    }

    @Override
    public int getPort() {
        return remote.getPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return remote;
    }

    @Override
    public InetAddress getLocalAddress() {
        return local.getAddress();
    }

    @Override
    public int getLocalPort() {
        return local.getPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return local;
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        checkOpen();
        tcpNoDelay = on;
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        checkOpen();
        return tcpNoDelay;
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        checkOpen();
        keepAlive = on;
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        checkOpen();
        return keepAlive;
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        checkOpen();
        reuseAddress = on;
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        checkOpen();
        return reuseAddress;
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        checkOpen();
        oobInline = on;
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        checkOpen();
        return oobInline;
    }

    @Override
    public void setSoLinger(boolean on, int seconds) throws SocketException {
        checkOpen();
        if (on && seconds < 0) {
            throw new IllegalArgumentException("linger " + seconds + " < 0");
        }
        linger = on ? seconds : -1;
    }

    @Override
    public int getSoLinger() throws SocketException {
        checkOpen();
        return linger;
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        checkOpen();
        receiveBufferSize = positiveSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        checkOpen();
        return receiveBufferSize;
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        checkOpen();
        sendBufferSize = positiveSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        checkOpen();
        return sendBufferSize;
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        checkOpen();
        trafficClass = tc;
    }

    @Override
    public int getTrafficClass() throws SocketException {
        checkOpen();
        return trafficClass;
    }

    /** Socket options by {@link SocketOption} are the socket implementation's; this socket has none. */
    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return Set.of();
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) {
        throw new UnsupportedOperationException("RDMA socket: option " + name + " is not supported");
    }

    @Override
    public <T> T getOption(SocketOption<T> name) {
        throw new UnsupportedOperationException("RDMA socket: option " + name + " is not supported");
    }

    private static int positiveSize(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("buffer size " + size + " <= 0");
        }
        return size;
    }

    private void checkOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
    }

    @Override
    public String toString() {
        return "RdmaSocket[" + streams.channel() + (closed ? ", closed" : "") + "]";
    }
}
