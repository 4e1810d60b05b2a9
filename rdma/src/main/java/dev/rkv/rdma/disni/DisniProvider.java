package dev.rkv.rdma.disni;

import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.ProviderUnavailableException;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaProvider;

/** Placeholder until the disni provider lands. */
public final class DisniProvider implements RdmaProvider {
    @Override
    public String name() {
        return "disni";
    }

    @Override
    public Availability availability() {
        return Availability.no("not implemented yet");
    }

    @Override
    public RdmaDevice open(DeviceOptions options) {
        throw new ProviderUnavailableException("disni: not implemented yet");
    }
}
