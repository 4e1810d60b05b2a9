package dev.rkv.rdma.disni;

import com.ibm.disni.verbs.IbvMr;
import com.ibm.disni.verbs.SVCDeregMr;
import dev.rkv.rdma.Access;
import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.ProviderUnavailableException;
import dev.rkv.rdma.RdmaProvider;
import dev.rkv.rdma.ResourceClosedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class DisniRegionAndProviderTest {

    @Test
    void regionExposesTheNicsAddressAndKeysAndDeregistersOnce() throws IOException {
        IbvMr mr = mock(IbvMr.class);
        SVCDeregMr dereg = mock(SVCDeregMr.class);
        when(mr.getAddr()).thenReturn(0x7f12_3456_0000L);
        when(mr.getLkey()).thenReturn(11);
        when(mr.getRkey()).thenReturn(22);
        when(mr.deregMr()).thenReturn(dereg);
        when(dereg.execute()).thenReturn(dereg);
        DisniRegion r = new DisniRegion(mr, ByteBuffer.allocateDirect(4096), Access.LOCAL_WRITE | Access.REMOTE_READ);
        assertEquals(0x7f12_3456_0000L, r.remote().address());
        assertEquals(0x7f12_3456_0000L + 100, r.sge(100, 8).address());
        assertEquals(11, r.sge(0, 8).lkey());
        assertEquals(22, r.remote().rkey());
        assertEquals(4096, r.length());
        r.deregister();
        r.deregister();
        verify(mr, times(1)).deregMr();
        verify(dereg).execute();
        verify(dereg).free();
        assertFalse(r.isRegistered());
        assertThrows(ResourceClosedException.class, r::buffer);
    }

    @Test
    void accessFlagsMapToVerbsBits() {
        assertEquals(IbvMr.IBV_ACCESS_LOCAL_WRITE | IbvMr.IBV_ACCESS_REMOTE_READ,
                DisniMapping.accessFlags(Access.LOCAL_WRITE | Access.REMOTE_READ));
        assertEquals(IbvMr.IBV_ACCESS_LOCAL_WRITE | IbvMr.IBV_ACCESS_REMOTE_WRITE,
                DisniMapping.accessFlags(Access.LOCAL_WRITE | Access.REMOTE_WRITE));
        assertEquals(0, DisniMapping.accessFlags(0));
    }

    @Test
    void withoutDeviceOrLibdisniOpenFailsSayingWhatToInstall(@TempDir Path tmp) {
        DisniProvider p = new DisniProvider(tmp.resolve("no-sysfs"), List.of(tmp));
        RdmaProvider.Availability a = p.availability();
        assertFalse(a.available());
        assertTrue(a.detail().contains("libdisni"), a.detail());
        assertTrue(a.detail().contains("github.com/zrlio/disni"), a.detail());
        assertTrue(a.detail().contains("rdma_rxe"), a.detail());
        assertTrue(a.detail().contains("libibverbs"), a.detail());
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
                () -> p.open(DeviceOptions.defaults()));
        assertTrue(e.getMessage().contains("libdisni"), e.getMessage());
    }

    @Test
    void availableWhenDeviceAndLibrariesArePresent(@TempDir Path tmp) throws IOException {
        Path sys = Files.createDirectories(tmp.resolve("infiniband/rxe0"));
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        for (String f : new String[] {"libibverbs.so.1", "librdmacm.so.1", "libdisni.so"}) {
            Files.createFile(lib.resolve(f));
        }
        DisniProvider p = new DisniProvider(sys.getParent(), List.of(lib));
        RdmaProvider.Availability a = p.availability();
        assertTrue(a.available(), a.detail());
        assertTrue(a.detail().contains("rxe0"), a.detail());
    }
}
