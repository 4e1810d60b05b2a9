package dev.rkv.rdma.soft;

import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaProvider;

/**
 * {@code soft}: reliable-connected verbs emulated over TCP in user space. Runs anywhere
 * Java runs; peers may be on other hosts. {@link dev.rkv.rdma.DeviceOptions#properties()}
 * may set the {@link ListenerLimits} ({@code listener.*}).
 */
public final class SoftProvider implements RdmaProvider {
    public static final String NAME = "soft";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        return Availability.yes("RC verbs over TCP in user space; needs nothing but TCP");
    }

    @Override
    public RdmaDevice open(DeviceOptions options) {
        return new SoftDevice(NAME, null, ListenerLimits.from(options.properties()), options.shmDirectory());
    }
}
