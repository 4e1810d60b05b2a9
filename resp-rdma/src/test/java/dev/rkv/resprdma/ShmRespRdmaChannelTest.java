package dev.rkv.resprdma;

import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.shm.ShmProvider;

/** The channel contract over the shm (same-host shared memory) provider. */
class ShmRespRdmaChannelTest extends RespRdmaChannelContractTest {
    @Override
    protected RdmaDevice openDevice() {
        return new ShmProvider().open(DeviceOptions.defaults());
    }

    @Override
    protected String providerName() {
        return ShmProvider.NAME;
    }
}
