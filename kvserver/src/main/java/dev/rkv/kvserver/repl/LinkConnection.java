package dev.rkv.kvserver.repl;

import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaException;
import dev.rkv.resprdma.RespRdmaChannel;
import dev.rkv.resprdma.RespRdmaOptions;
import dev.rkv.resprdma.RespRdmaStreams;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * A replica's connection to its primary, as the link thread uses it: blocking streams with a
 * read timeout, closable from another thread (which ends a blocked read). Over TCP a socket;
 * over RDMA a RESP-over-RDMA channel on a device of its own ({@code repl-link-transport rdma}).
 */
interface LinkConnection extends AutoCloseable {
    InputStream input() throws IOException;

    OutputStream output() throws IOException;

    /** Closes at once, from any thread; idempotent. */
    @Override
    void close() throws IOException;

    /** A TCP socket, created unconnected so that a close from another thread can abort the connect. */
    final class Tcp implements LinkConnection {
        private final Socket socket = new Socket();

        void connect(String host, int port, int timeoutMs) throws IOException {
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            socket.setTcpNoDelay(true);
        }

        @Override
        public InputStream input() throws IOException {
            return socket.getInputStream();
        }

        @Override
        public OutputStream output() throws IOException {
            return socket.getOutputStream();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** RESP over RDMA to the primary's RDMA listener; owns its device. */
    final class Rdma implements LinkConnection {
        private final RdmaDevice device;
        private final RespRdmaStreams streams;

        private Rdma(RdmaDevice device, RespRdmaStreams streams) {
            this.device = device;
            this.streams = streams;
        }

        static Rdma connect(String provider, String host, int port, int timeoutMs) throws IOException {
            RdmaDevice device;
            try {
                device = Providers.open(provider);
            } catch (RdmaException | IllegalArgumentException e) {
                throw new IOException("cannot open RDMA provider " + provider + " for the replication link: "
                    + e.getMessage(), e);
            }
            try {
                RespRdmaChannel ch = RespRdmaChannel.connect(device, host, port,
                    RespRdmaOptions.defaults().withConnectTimeout(Duration.ofMillis(timeoutMs)));
                RespRdmaStreams s = RespRdmaStreams.of(ch);
                s.setReadTimeout(timeoutMs);
                return new Rdma(device, s);
            } catch (IOException | RuntimeException e) {
                device.close();
                throw e;
            }
        }

        @Override
        public InputStream input() {
            return streams.input();
        }

        @Override
        public OutputStream output() {
            return streams.output();
        }

        @Override
        public void close() {
            // at once, not draining: this also ends a read blocked on another thread
            streams.channel().close();
            streams.close();
            device.close();
        }
    }
}
