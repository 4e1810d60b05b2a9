package dev.rkv.rdma.shm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The header page of an shm region file {@code mr-<rkey as 8 hex digits>} in the owning
 * device's directory. Peers map it to find and check the region before every access.
 *
 * <pre>
 *  0  u32  MAGIC ("RKVM")
 *  4  u32  STATE          1 = registered, 0 = deregistered (written last / first, release)
 *  8  u32  ACCESS         Access flags
 * 12  u32  RKEY           must equal the rkey in the file name
 * 16  u64  BASE ADDRESS   virtual address of byte 0
 * 24  u64  LENGTH
 * 32  u64  DATA OFFSET    where the bytes start in the data file
 * 40  u32  PATH LENGTH    0: the data follows in this file at DATA OFFSET (allocate());
 *                         else the UTF-8 path of the data file follows at 44 (register(Path))
 * 44  ...  PATH
 * 4096     data of allocate()d regions
 * </pre>
 * Native byte order: only processes of the same host read it.
 */
final class ShmRegionDescriptor {
    static final int MAGIC = 0x524b564d;
    static final int HEADER_SIZE = 4096;
    static final int MAGIC_OFFSET = 0;
    static final int STATE_OFFSET = 4;
    static final int ACCESS_OFFSET = 8;
    static final int RKEY_OFFSET = 12;
    static final int BASE_OFFSET = 16;
    static final int LENGTH_OFFSET = 24;
    static final int DATA_OFFSET_OFFSET = 32;
    static final int PATH_LENGTH_OFFSET = 40;
    static final int PATH_OFFSET = 44;
    static final int MAX_PATH = HEADER_SIZE - PATH_OFFSET;

    static final int STATE_DEAD = 0;
    static final int STATE_LIVE = 1;

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private ShmRegionDescriptor() {
    }

    static String fileName(int rkey) {
        return String.format("mr-%08x", rkey);
    }

    /** Publishes the state; every field written before is visible to a reader that sees it. */
    static void putStateRelease(ByteBuffer header, int state) {
        INT.setRelease(header, STATE_OFFSET, state);
    }

    /** Reads the state; pairs with {@link #putStateRelease}. */
    static int getStateAcquire(ByteBuffer header) {
        return (int) INT.getAcquire(header, STATE_OFFSET);
    }
}
