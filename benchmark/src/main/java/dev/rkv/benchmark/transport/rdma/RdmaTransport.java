package dev.rkv.benchmark.transport.rdma;

import dev.rkv.benchmark.transport.Poller;
import dev.rkv.benchmark.transport.Transport;
import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.resprdma.RespRdmaOptions;

import java.io.IOException;

/**
 * RESP over RDMA (the Valkey-over-RDMA protocol, {@code resp-rdma}): one device of the chosen
 * provider for the whole run, one {@link RdmaPoller} per worker thread, one channel per client.
 */
public final class RdmaTransport implements Transport {
    private final RdmaDevice device;
    private final RespRdmaOptions options;

    private RdmaTransport(RdmaDevice device, RespRdmaOptions options) {
        this.device = device;
        this.options = options;
    }

    /**
     * Opens a device of the provider ({@code soft}, {@code shm}, {@code disni}).
     *
     * @throws IOException the provider cannot run here (no RDMA device for disni ...); the message says why
     */
    public static RdmaTransport open(String provider, RespRdmaOptions options) throws IOException {
        try {
            return new RdmaTransport(Providers.open(provider), options);
        } catch (RuntimeException e) {
            throw new IOException("RDMA provider " + provider + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "rdma/" + device.provider();
    }

    @Override
    public Poller openPoller() {
        return new RdmaPoller(device, options);
    }

    /** Closes the device; every poller must be closed before. */
    @Override
    public void close() {
        device.close();
    }
}
