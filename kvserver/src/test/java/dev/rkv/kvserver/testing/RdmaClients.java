package dev.rkv.kvserver.testing;

import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.resprdma.RespRdmaChannel;
import dev.rkv.resprdma.RespRdmaOptions;
import dev.rkv.resprdma.RespRdmaStreams;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;

/** RESP-over-RDMA test clients of one provider: raw clients over {@link RespRdmaStreams}. */
public final class RdmaClients implements AutoCloseable {
    private final RdmaDevice device;
    private final RespRdmaOptions options;

    public RdmaClients(String provider, int rxSize) {
        this.device = Providers.open(provider);
        this.options = RespRdmaOptions.defaults().withRxSize(rxSize);
    }

    /** A port free right now, for --rdma-port (0 there means "off", so tests pick one). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public RdmaDevice device() {
        return device;
    }

    /** A raw client connected to an RDMA listener on the loopback address. */
    public RawClient connect(int port) throws IOException {
        return connect("127.0.0.1", port);
    }

    /** A raw client connected to an RDMA listener on {@code host}. */
    public RawClient connect(String host, int port) throws IOException {
        return new RawClient(new StreamsLink(RespRdmaStreams.of(RespRdmaChannel.connect(device, host, port, options))));
    }

    @Override
    public void close() {
        device.close();
    }

    /** RawClient's link over RDMA streams: no half-close (RDMA has none). */
    private static final class StreamsLink implements RawClient.Link {
        private final RespRdmaStreams streams;

        StreamsLink(RespRdmaStreams streams) {
            this.streams = streams;
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
        public int readTimeout() {
            return streams.readTimeout();
        }

        @Override
        public void readTimeout(int ms) {
            streams.setReadTimeout(ms);
        }

        @Override
        public void shutdownOutput() {
            throw new UnsupportedOperationException("RDMA connections have no half-close");
        }

        @Override
        public void abort() {
            streams.close();
        }

        @Override
        public void close() {
            streams.close();
        }
    }
}
