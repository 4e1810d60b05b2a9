package dev.rkv.rdma.disni;

import com.ibm.disni.verbs.IbvMr;
import com.ibm.disni.verbs.SVCDeregMr;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.RdmaException;
import dev.rkv.rdma.ResourceClosedException;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A region registered with the NIC: the {@link IbvMr}'s real virtual address and keys. */
final class DisniRegion implements MemoryRegion {
    private final IbvMr mr;
    private final ByteBuffer memory;
    private final int access;
    private volatile boolean registered = true;

    DisniRegion(IbvMr mr, ByteBuffer memory, int access) {
        this.mr = mr;
        this.memory = memory;
        this.access = access;
    }

    @Override
    public long address() {
        return mr.getAddr();
    }

    @Override
    public long length() {
        return memory.capacity();
    }

    @Override
    public int lkey() {
        return mr.getLkey();
    }

    @Override
    public int rkey() {
        return mr.getRkey();
    }

    @Override
    public int access() {
        return access;
    }

    @Override
    public ByteBuffer buffer() {
        if (!registered) {
            throw new ResourceClosedException("memory region rkey=0x" + Integer.toHexString(rkey()) + " is deregistered");
        }
        return memory.duplicate().clear();
    }

    @Override
    public boolean isRegistered() {
        return registered;
    }

    @Override
    public void deregister() {
        synchronized (this) {
            if (!registered) {
                return;
            }
            registered = false;
        }
        SVCDeregMr call = null;
        try {
            call = mr.deregMr();
            call.execute();
        } catch (IOException e) {
            throw new RdmaException("ibv_dereg_mr failed: " + e, e);
        } finally {
            if (call != null) {
                call.free();
            }
        }
    }
}
