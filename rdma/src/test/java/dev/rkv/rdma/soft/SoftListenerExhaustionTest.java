package dev.rkv.rdma.soft;

import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.RdmaDevice;

import java.nio.file.Path;
import java.util.Map;

/** The listener exhaustion suite over the soft (TCP) provider. */
class SoftListenerExhaustionTest extends ListenerExhaustionTest {
    @Override
    protected RdmaDevice openDevice(Map<String, String> properties) {
        return new SoftProvider().open(new DeviceOptions(Path.of("/dev/shm"), null, properties));
    }

    @Override
    protected String providerName() {
        return SoftProvider.NAME;
    }
}
