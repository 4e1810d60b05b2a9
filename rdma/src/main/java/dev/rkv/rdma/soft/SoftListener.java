package dev.rkv.rdma.soft;

import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.RdmaConnectException;
import dev.rkv.rdma.ResourceClosedException;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A soft-transport listener: accepts pairs of TCP connections and queues them for accept. */
final class SoftListener implements ConnectionListener {
    private static final long HANDSHAKE_MILLIS = 10_000;

    /** A connection request whose two TCP connections have both arrived. */
    private record Request(SocketChannel first, SocketChannel second, byte[] peerInfo) {
    }

    private record Half(SocketChannel first, byte[] peerInfo, long sinceNanos) {
    }

    private final SoftDevice device;
    private final ServerSocketChannel server;
    private final InetSocketAddress address;
    private final LinkedBlockingQueue<Request> ready = new LinkedBlockingQueue<>();
    private final Map<String, Half> halves = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean closed;
    private volatile Runnable onPending;

    SoftListener(SoftDevice device, String host, int port) throws IOException {
        this.device = device;
        this.server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress(host, port), 1024);
        this.address = (InetSocketAddress) server.getLocalAddress();
        this.acceptor = new Thread(this::acceptLoop, "rkv-" + device.provider() + "-listener-" + address.getPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                device.reportError("accept on " + address, e);
                continue;
            }
            Thread t = new Thread(() -> handshake(ch), "rkv-" + device.provider() + "-handshake");
            t.setDaemon(true);
            t.start();
        }
    }

    private void handshake(SocketChannel ch) {
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            DataInputStream in = Handshake.in(ch, HANDSHAKE_MILLIS);
            Handshake.checkMagic(in);
            byte kind = in.readByte();
            if (kind == Wire.HELLO_NEW) {
                String provider = new String(Handshake.readField(in, 2), StandardCharsets.UTF_8);
                String token = in.readLong() + ":" + in.readLong();
                byte[] info = Handshake.readField(in, 4);
                if (!provider.equals(device.provider())) {
                    Handshake.writeFully(ch, Handshake.reply(Wire.REPLY_REFUSED, new byte[0]));
                    ch.close();
                    return;
                }
                Handshake.endHandshake(ch);
                expireHalves();
                halves.put(token, new Half(ch, info, System.nanoTime()));
                Handshake.writeFully(ch, Handshake.reply(Wire.REPLY_OK, device.localInfo()));
            } else if (kind == Wire.HELLO_JOIN) {
                String token = in.readLong() + ":" + in.readLong();
                Half h = halves.remove(token);
                if (h == null) {
                    ch.close();
                    return;
                }
                Handshake.endHandshake(ch);
                ready.add(new Request(h.first, ch, h.peerInfo));
                notifyPending();
                if (closed) {
                    refuseAll();
                }
            } else {
                throw new IOException("unknown handshake kind " + kind);
            }
        } catch (IOException e) {
            device.reportError("handshake from a client of " + address, e);
            closeQuietly(ch);
        }
    }

    private void expireHalves() {
        long now = System.nanoTime();
        halves.entrySet().removeIf(e -> {
            boolean old = now - e.getValue().sinceNanos > TimeUnit.MILLISECONDS.toNanos(HANDSHAKE_MILLIS);
            if (old) {
                closeQuietly(e.getValue().first);
            }
            return old;
        });
    }

    @Override
    public void setListener(Runnable l) {
        this.onPending = l;
        if (l != null && !ready.isEmpty()) {
            l.run();
        }
    }

    private void notifyPending() {
        Runnable l = onPending;
        if (l != null) {
            l.run();
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return address;
    }

    @Override
    public Endpoint accept(EndpointOptions options, long timeout, TimeUnit unit) throws InterruptedException {
        if (closed) {
            throw new ResourceClosedException("listener " + address + " is closed");
        }
        Request r = ready.poll(timeout, unit);
        if (r == null) {
            if (closed) {
                throw new ResourceClosedException("listener " + address + " is closed");
            }
            return null;
        }
        try {
            // The accepting side sends its requests on the second connection.
            SoftEndpoint ep = device.newEndpoint(options, r.second, r.first, r.peerInfo);
            ByteBuffer ok = ByteBuffer.allocate(1).put(Wire.ACCEPTED);
            Handshake.writeFully(r.first, ok);
            ep.start();
            return ep;
        } catch (IOException e) {
            closeQuietly(r.first);
            closeQuietly(r.second);
            throw new RdmaConnectException("accepting a connection on " + address + " failed: " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(r.first);
            closeQuietly(r.second);
            throw e;
        }
    }

    private void refuseAll() {
        Request r;
        while ((r = ready.poll()) != null) {
            closeQuietly(r.first);
            closeQuietly(r.second);
        }
        halves.values().forEach(h -> closeQuietly(h.first));
        halves.clear();
    }

    private void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            device.reportError("closing a refused connection", e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            device.reportError("closing listener " + address, e);
        }
        refuseAll();
        device.removeListener(this);
    }
}
