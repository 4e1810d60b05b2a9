package dev.rkv.rdma.disni;

import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.RdmaConformanceTest;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaProvider;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conformance suite on real verbs. Skipped, with the reason, where DiSNI cannot run.
 * Set {@code -Drkv.rdma.disni.address=<IP of the RDMA interface>} on a host that has one.
 */
class DisniConformanceTest extends RdmaConformanceTest {
    @Override
    protected RdmaDevice openDevice() {
        RdmaProvider.Availability a = new DisniProvider().availability();
        assumeTrue(a.available(), "disni cannot run here: " + a.detail());
        return new DisniProvider().open(DeviceOptions.defaults()
                .withBindAddress(System.getProperty("rkv.rdma.disni.address", "127.0.0.1")));
    }

    @Override
    protected String providerName() {
        return DisniProvider.NAME;
    }
}
