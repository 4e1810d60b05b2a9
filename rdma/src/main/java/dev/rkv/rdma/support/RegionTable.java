package dev.rkv.rdma.support;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.RegistrationException;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keys and addresses of one device's regions.
 *
 * <p>Each region gets its own virtual address range starting at a 1 MiB-aligned base, with a
 * gap of at least 1 MiB to the next, so addresses are never 0 and never shared. rkeys are
 * random (SecureRandom), non-zero and unique within the device; lkeys are a local counter.
 */
public final class RegionTable {
    /** Largest region a ByteBuffer can hold. */
    public static final long MAX_REGION = Integer.MAX_VALUE;
    private static final long ALIGN = 1L << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConcurrentHashMap<Integer, BasicRegion> byLkey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, BasicRegion> byRkey = new ConcurrentHashMap<>();
    private final AtomicLong nextBase = new AtomicLong(0x7f00_0000_0000L);
    private final AtomicLong nextLkey = new AtomicLong(1);

    /** Registers {@code memory} (position 0 to capacity) with a fresh address and keys. */
    public BasicRegion add(ByteBuffer memory, int access, Runnable onDeregister) {
        return add(memory, access, randomRkey(), onDeregister);
    }

    /** As {@link #add(ByteBuffer, int, Runnable)} with a chosen rkey (must be unused). */
    public BasicRegion add(ByteBuffer memory, int access, int rkey, Runnable onDeregister) {
        Access.validate(access);
        if (!memory.isDirect()) {
            throw new RegistrationException("only direct buffers can be registered (got a heap buffer)");
        }
        long len = memory.capacity();
        long span = (len + ALIGN - 1) / ALIGN * ALIGN + ALIGN;
        long base = nextBase.getAndAdd(span);
        int lkey = (int) nextLkey.getAndIncrement();
        BasicRegion r = new BasicRegion(this, memory, base, lkey, rkey, access, onDeregister);
        if (byRkey.putIfAbsent(rkey, r) != null) {
            throw new RegistrationException("rkey 0x" + Integer.toHexString(rkey) + " already in use");
        }
        byLkey.put(lkey, r);
        return r;
    }

    /** A random non-zero rkey not used by this table right now. */
    public int randomRkey() {
        while (true) {
            int k = RANDOM.nextInt();
            if (k != 0 && !byRkey.containsKey(k)) {
                return k;
            }
        }
    }

    public BasicRegion byLkey(int lkey) {
        return byLkey.get(lkey);
    }

    public BasicRegion byRkey(int rkey) {
        return byRkey.get(rkey);
    }

    void remove(BasicRegion r) {
        byLkey.remove(r.lkey(), r);
        byRkey.remove(r.rkey(), r);
    }

    /** Every registered region (a snapshot). */
    public List<BasicRegion> all() {
        return new ArrayList<>(byLkey.values());
    }
}
