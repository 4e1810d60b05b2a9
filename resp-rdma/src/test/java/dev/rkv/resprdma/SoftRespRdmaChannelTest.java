package dev.rkv.resprdma;

import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.soft.SoftProvider;

/** The channel contract over the soft (TCP) provider. */
class SoftRespRdmaChannelTest extends RespRdmaChannelContractTest {
    @Override
    protected RdmaDevice openDevice() {
        return new SoftProvider().open(DeviceOptions.defaults());
    }

    @Override
    protected String providerName() {
        return SoftProvider.NAME;
    }
}
