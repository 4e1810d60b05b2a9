package dev.rkv.table.layout;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

import static dev.rkv.table.layout.LayoutBuffers.getLong;
import static dev.rkv.table.layout.LayoutBuffers.putLongOpaque;
import static dev.rkv.table.layout.LayoutBuffers.putLongRelease;

/**
 * The writer's half of the seqlock every slot, extent and the header carry: a 64-bit version
 * word, odd while the record is being written. Readers check it in {@link SlotCodec},
 * {@link OverflowCodec} and the header codec.
 */
public final class Seqlock {

    private Seqlock() {
    }

    /**
     * Makes the version at {@code at} odd, continuing from the value there; returns the even
     * version the write will end with. Only the writer thread may call it.
     */
    public static long beginWrite(ByteBuffer region, int at) {
        // Plain read: only this (the writer) thread ever stores the version.
        long current = getLong(region, at);
        long odd = (current | 1) + ((current & 1) == 0 ? 0 : 2);
        beginWrite(region, at, odd + 1);
        return odd + 1;
    }

    /** Makes the version at {@code at} the odd value just below {@code even}. */
    public static void beginWrite(ByteBuffer region, int at, long even) {
        putLongOpaque(region, at, even - 1);
        // StoreStore: the odd version must be visible before any field store that follows,
        // so a reader that copies a new field re-reads a version that is odd or newer, never
        // the old even one. (Free on x86-TSO, where the NIC too sees stores in program order.)
        VarHandle.storeStoreFence();
    }

    /** Publishes the write: the even version, after every field and the CRC. */
    public static void endWrite(ByteBuffer region, int at, long even) {
        // Release: the fields and the CRC become visible before the even version that
        // vouches for them.
        putLongRelease(region, at, even);
    }
}
