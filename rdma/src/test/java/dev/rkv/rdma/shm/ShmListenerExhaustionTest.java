package dev.rkv.rdma.shm;

import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.soft.ListenerExhaustionTest;

import java.util.Map;

/** The listener exhaustion suite over shm, whose connections are the soft engine's loopback doorbells. */
class ShmListenerExhaustionTest extends ListenerExhaustionTest {
    @Override
    protected RdmaDevice openDevice(Map<String, String> properties) {
        DeviceOptions d = DeviceOptions.defaults();
        return new ShmProvider().open(new DeviceOptions(d.shmDirectory(), null, properties));
    }

    @Override
    protected String providerName() {
        return ShmProvider.NAME;
    }
}
