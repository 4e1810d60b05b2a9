package dev.rkv.rdma.support;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.ResourceClosedException;

import java.nio.ByteBuffer;

/**
 * A region of a software provider: a direct (or mapped) buffer, a provider-assigned base
 * address and two keys. Bounds checks are exact: {@code [address, address + length)}.
 */
public final class BasicRegion implements MemoryRegion {
    private final RegionTable table;
    private final ByteBuffer memory;
    private final long address;
    private final int lkey;
    private final int rkey;
    private final int access;
    private final Runnable onDeregister;
    private volatile boolean registered = true;

    BasicRegion(RegionTable table, ByteBuffer memory, long address, int lkey, int rkey, int access,
                Runnable onDeregister) {
        this.table = table;
        this.memory = memory;
        this.address = address;
        this.lkey = lkey;
        this.rkey = rkey;
        this.access = access;
        this.onDeregister = onDeregister;
    }

    @Override
    public long address() {
        return address;
    }

    @Override
    public long length() {
        return memory.capacity();
    }

    @Override
    public int lkey() {
        return lkey;
    }

    @Override
    public int rkey() {
        return rkey;
    }

    @Override
    public int access() {
        return access;
    }

    @Override
    public ByteBuffer buffer() {
        if (!registered) {
            throw new ResourceClosedException("memory region rkey=0x" + Integer.toHexString(rkey) + " is deregistered");
        }
        return memory.duplicate().clear();
    }

    /** True if {@code [addr, addr + len)} lies inside this region. */
    public boolean contains(long addr, long len) {
        return len >= 0 && addr >= address && addr - address <= memory.capacity() - len;
    }

    /** True if registered, the range is inside and {@code required} access is granted. */
    public boolean permits(long addr, long len, int required) {
        return registered && Access.allows(access, required) && contains(addr, len);
    }

    /** A view of {@code len} bytes at virtual address {@code addr}; the caller has checked bounds. */
    public ByteBuffer slice(long addr, int len) {
        return memory.slice((int) (addr - address), len);
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
        table.remove(this);
        if (onDeregister != null) {
            onDeregister.run();
        }
    }

    @Override
    public String toString() {
        return "MemoryRegion[address=0x" + Long.toHexString(address) + ", length=" + length() + ", lkey=0x"
                + Integer.toHexString(lkey) + ", rkey=0x" + Integer.toHexString(rkey) + ", access="
                + Access.toString(access) + (registered ? "" : ", deregistered") + "]";
    }
}
