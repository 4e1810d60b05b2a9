package dev.rkv.rdma.shm;

import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.ProviderUnavailableException;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaProvider;

/** Placeholder until the shm provider lands. */
public final class ShmProvider implements RdmaProvider {
    @Override
    public String name() {
        return "shm";
    }

    @Override
    public Availability availability() {
        return Availability.no("not implemented yet");
    }

    @Override
    public RdmaDevice open(DeviceOptions options) {
        throw new ProviderUnavailableException("shm: not implemented yet");
    }
}
