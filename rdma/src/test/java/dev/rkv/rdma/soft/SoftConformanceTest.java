package dev.rkv.rdma.soft;

import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.RdmaConformanceTest;
import dev.rkv.rdma.RdmaDevice;

/** The conformance suite over the soft (TCP) provider, including the full 1 GiB read. */
class SoftConformanceTest extends RdmaConformanceTest {
    @Override
    protected RdmaDevice openDevice() {
        return new SoftProvider().open(DeviceOptions.defaults());
    }

    @Override
    protected String providerName() {
        return SoftProvider.NAME;
    }
}
