package dev.rkv.rdma.soft;

import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaConformanceTest;
import dev.rkv.rdma.RdmaConnectException;
import dev.rkv.rdma.RdmaDevice;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void aListenerOfAnotherProviderRefusesTheConnection() {
        try (RdmaDevice shm = Providers.open("shm"); ConnectionListener l = shm.listen("127.0.0.1", 0)) {
            RdmaConnectException e = assertThrows(RdmaConnectException.class,
                    () -> client.connect("127.0.0.1", l.localAddress().getPort(), EndpointOptions.of(clientCq)));
            assertTrue(e.getMessage().contains("not a 'soft' device"), e.getMessage());
        }
    }
}
