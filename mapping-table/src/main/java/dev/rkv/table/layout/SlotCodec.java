package dev.rkv.table.layout;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static dev.rkv.table.layout.LayoutBuffers.getInt;
import static dev.rkv.table.layout.LayoutBuffers.getLong;
import static dev.rkv.table.layout.LayoutBuffers.getLongAcquire;
import static dev.rkv.table.layout.LayoutBuffers.getLongOpaque;
import static dev.rkv.table.layout.LayoutBuffers.getUnsignedShort;
import static dev.rkv.table.layout.LayoutBuffers.putInt;
import static dev.rkv.table.layout.LayoutBuffers.putLong;
import static dev.rkv.table.layout.LayoutBuffers.putShort;
import static dev.rkv.table.layout.LayoutBuffers.updateCrc;
import static dev.rkv.table.layout.LayoutBuffers.updateCrcLong;
import static dev.rkv.table.layout.SlotDescriptor.CRC_OFFSET;
import static dev.rkv.table.layout.SlotDescriptor.CRC_RESUME_OFFSET;
import static dev.rkv.table.layout.SlotDescriptor.EXPIRE_AT_OFFSET;
import static dev.rkv.table.layout.SlotDescriptor.FLAGS_OFFSET;
import static dev.rkv.table.layout.SlotDescriptor.FLAG_OVERFLOW;
import static dev.rkv.table.layout.SlotDescriptor.KEY_LENGTH_OFFSET;
import static dev.rkv.table.layout.SlotDescriptor.KEY_OFFSET;
import static dev.rkv.table.layout.SlotDescriptor.LSN_OFFSET;
import static dev.rkv.table.layout.SlotDescriptor.OVERFLOW_REF_LENGTH;
import static dev.rkv.table.layout.SlotDescriptor.TYPE_OFFSET;
import static dev.rkv.table.layout.SlotDescriptor.VALUE_LENGTH_OFFSET;
import static dev.rkv.table.layout.SlotDescriptor.VERSION_OFFSET;

/**
 * Encodes slots for the single writer and decodes them for readers.
 *
 * <h2>Writer (seqlock)</h2>
 * Each write makes the version odd, stores the fields, stores the CRC32C over them and the
 * final even version, then makes the version even (a release store). The writer owns the
 * region: no other thread writes it.
 *
 * <h2>Reader</h2>
 * {@link #decode} works on a plain local copy (the bytes an RDMA READ delivered): it accepts
 * a slot when its version is even and the CRC32C over the rest matches. Where the reader can
 * see the live memory (same process, shared memory), {@link #copyStable} copies a slot under
 * the seqlock protocol: version acquired, bytes copied, version read again unchanged.
 *
 * <p>An instance holds a {@link CRC32C}; use one per thread.
 */
public final class SlotCodec {

    private final CRC32C crc = new CRC32C();

    // ---------------------------------------------------------------- writer

    /**
     * Writes a record with its value inline.
     *
     * @return the slot's new (even) version
     */
    public long writeInline(ByteBuffer region, int slot, int slotSize, byte type, byte[] key, byte[] value, long expireAtMs, long lsn) {
        checkFits(slotSize, key.length, value.length);
        long even = Seqlock.beginWrite(region, slot + VERSION_OFFSET);
        putHeaderFields(region, slot, type, (byte) 0, key, value.length, expireAtMs, lsn);
        region.put(slot + KEY_OFFSET + key.length, value);
        return endWrite(region, slot, even, key.length + value.length);
    }

    /**
     * Writes a record whose value is in the overflow extent at {@code block} with version
     * {@code extentVersion} (written before this slot).
     *
     * @return the slot's new (even) version
     */
    public long writeOverflow(ByteBuffer region, int slot, int slotSize, byte type, byte[] key, int valueLength, long block,
                              long extentVersion, long expireAtMs, long lsn) {
        checkFits(slotSize, key.length, OVERFLOW_REF_LENGTH);
        long even = Seqlock.beginWrite(region, slot + VERSION_OFFSET);
        putHeaderFields(region, slot, type, FLAG_OVERFLOW, key, valueLength, expireAtMs, lsn);
        int ref = slot + KEY_OFFSET + key.length;
        putLong(region, ref + SlotDescriptor.OVERFLOW_REF_BLOCK_OFFSET, block);
        putLong(region, ref + SlotDescriptor.OVERFLOW_REF_VERSION_OFFSET, extentVersion);
        return endWrite(region, slot, even, key.length + OVERFLOW_REF_LENGTH);
    }

    /**
     * Writes an empty record (a deletion), keeping the LSN of the delete.
     *
     * @return the slot's new (even) version
     */
    public long writeEmpty(ByteBuffer region, int slot, long lsn) {
        long even = Seqlock.beginWrite(region, slot + VERSION_OFFSET);
        putHeaderFields(region, slot, SlotDescriptor.TYPE_EMPTY, (byte) 0, EMPTY_KEY, 0, SlotDescriptor.NO_EXPIRY, lsn);
        return endWrite(region, slot, even, 0);
    }

    /**
     * Rewrites a slot's expiry and LSN, keeping its key and value (EXPIRE, PERSIST).
     *
     * @return the slot's new (even) version
     */
    public long writeExpiry(ByteBuffer region, int slot, long expireAtMs, long lsn) {
        int payload = storedPayload(region, slot);
        long even = Seqlock.beginWrite(region, slot + VERSION_OFFSET);
        putLong(region, slot + EXPIRE_AT_OFFSET, expireAtMs);
        putLong(region, slot + LSN_OFFSET, lsn);
        return endWrite(region, slot, even, payload);
    }

    private static final byte[] EMPTY_KEY = new byte[0];

    private static void checkFits(int slotSize, int keyLength, int storedValueLength) {
        if (keyLength > SlotDescriptor.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key length must be at most " + SlotDescriptor.MAX_KEY_LENGTH + ", was " + keyLength);
        }
        if ((long) KEY_OFFSET + keyLength + storedValueLength > slotSize) {
            throw new IllegalArgumentException("record of " + (KEY_OFFSET + (long) keyLength + storedValueLength)
                    + " bytes does not fit a slot of " + slotSize);
        }
    }

    /** Key plus stored value bytes of the (writer-owned) slot as it stands. */
    private static int storedPayload(ByteBuffer region, int slot) {
        int keyLength = getUnsignedShort(region, slot + KEY_LENGTH_OFFSET);
        boolean overflow = (region.get(slot + FLAGS_OFFSET) & FLAG_OVERFLOW) != 0;
        return keyLength + (overflow ? OVERFLOW_REF_LENGTH : getInt(region, slot + VALUE_LENGTH_OFFSET));
    }

    private static void putHeaderFields(ByteBuffer region, int slot, byte type, byte flags, byte[] key, int valueLength, long expireAtMs,
                                        long lsn) {
        putLong(region, slot + LSN_OFFSET, lsn);
        putLong(region, slot + EXPIRE_AT_OFFSET, expireAtMs);
        putShort(region, slot + KEY_LENGTH_OFFSET, key.length);
        region.put(slot + TYPE_OFFSET, type);
        region.put(slot + FLAGS_OFFSET, flags);
        putInt(region, slot + VALUE_LENGTH_OFFSET, valueLength);
        region.put(slot + KEY_OFFSET, key);
    }

    /** Stores the CRC and then the even version; returns it. */
    private long endWrite(ByteBuffer region, int slot, long even, int payloadLength) {
        putInt(region, slot + CRC_OFFSET, checksum(region, slot, even, payloadLength));
        Seqlock.endWrite(region, slot + VERSION_OFFSET, even);
        return even;
    }

    private int checksum(ByteBuffer buffer, int slot, long version, int payloadLength) {
        crc.reset();
        updateCrcLong(crc, version);
        updateCrc(crc, buffer, slot + LSN_OFFSET, CRC_OFFSET - LSN_OFFSET);
        updateCrc(crc, buffer, slot + CRC_RESUME_OFFSET, KEY_OFFSET - CRC_RESUME_OFFSET + payloadLength);
        return (int) crc.getValue();
    }

    // ---------------------------------------------------------------- reader

    /**
     * Decodes the slot at {@code slot} of a local copy into {@code view}.
     *
     * @param copy     bytes the reader owns (nobody writes them while this runs)
     * @param slotSize the slot size of the slot's class: the record must fit in it
     */
    public SlotStatus decode(ByteBuffer copy, int slot, int slotSize, SlotView view) {
        long version = getLong(copy, slot + VERSION_OFFSET);
        if ((version & 1) != 0) {
            return SlotStatus.TORN;
        }
        if (version == 0) {
            // Never written when the whole header is zero; otherwise a first write whose
            // odd version this copy missed but whose fields it caught (or damage): not empty.
            return isZeroHeader(copy, slot) ? SlotStatus.EMPTY : SlotStatus.TORN;
        }
        int keyLength = getUnsignedShort(copy, slot + KEY_LENGTH_OFFSET);
        byte type = copy.get(slot + TYPE_OFFSET);
        byte flags = copy.get(slot + FLAGS_OFFSET);
        int valueLength = getInt(copy, slot + VALUE_LENGTH_OFFSET);
        if (valueLength < 0) {
            return SlotStatus.CORRUPT;
        }
        long stored = (flags & FLAG_OVERFLOW) != 0 ? OVERFLOW_REF_LENGTH : valueLength;
        if (KEY_OFFSET + keyLength + stored > slotSize) {
            return SlotStatus.CORRUPT;
        }
        if (checksum(copy, slot, version, keyLength + (int) stored) != getInt(copy, slot + CRC_OFFSET)) {
            return SlotStatus.CORRUPT;
        }
        if ((flags & ~SlotDescriptor.KNOWN_FLAGS) != 0 || type < 0 || type > SlotDescriptor.MAX_TYPE) {
            return SlotStatus.CORRUPT;
        }
        if (type == SlotDescriptor.TYPE_EMPTY) {
            return SlotStatus.EMPTY;
        }
        view.wrap(copy, slot, version, getLong(copy, slot + LSN_OFFSET), getLong(copy, slot + EXPIRE_AT_OFFSET), type, flags, keyLength,
                valueLength);
        return SlotStatus.OK;
    }

    private static boolean isZeroHeader(ByteBuffer copy, int slot) {
        return getLong(copy, slot + LSN_OFFSET) == 0 && getLong(copy, slot + EXPIRE_AT_OFFSET) == 0 && getLong(copy, slot + CRC_OFFSET) == 0
                && getInt(copy, slot + VALUE_LENGTH_OFFSET) == 0;
    }

    /**
     * Copies the live slot at {@code slot} into {@code copy} at {@code copySlot} under the
     * seqlock: true when the version was even and unchanged across the copy, so the copy is
     * one consistent write (then {@link #decode} it); false when a write was in progress or
     * happened meanwhile (copy again).
     */
    public static boolean copyStable(ByteBuffer live, int slot, int slotSize, ByteBuffer copy, int copySlot) {
        // Acquire: the copy below cannot read fields older than this version's write.
        long before = getLongAcquire(live, slot + VERSION_OFFSET);
        if ((before & 1) != 0) {
            return false;
        }
        copy.put(copySlot, live, slot, slotSize);
        // LoadLoad: every load of the copy completes before the version is read again, so an
        // unchanged version proves no write overlapped the copy.
        VarHandle.loadLoadFence();
        return getLongOpaque(live, slot + VERSION_OFFSET) == before;
    }

    /** {@link #copyStable} then {@link #decode}: {@link SlotStatus#TORN} when the copy was not stable. */
    public SlotStatus readStable(ByteBuffer live, int slot, int slotSize, ByteBuffer copy, int copySlot, SlotView view) {
        if (!copyStable(live, slot, slotSize, copy, copySlot)) {
            return SlotStatus.TORN;
        }
        return decode(copy, copySlot, slotSize, view);
    }
}
