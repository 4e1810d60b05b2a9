package dev.rkv.table;

import dev.rkv.table.layout.OverflowDescriptor;
import dev.rkv.table.layout.Seqlock;
import dev.rkv.table.layout.TableHeaderDescriptor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import static dev.rkv.table.layout.LayoutBuffers.getInt;
import static dev.rkv.table.layout.LayoutBuffers.getLong;
import static dev.rkv.table.layout.LayoutBuffers.putInt;
import static dev.rkv.table.layout.LayoutBuffers.putLong;
import static dev.rkv.table.layout.LayoutBuffers.updateCrc;
import static dev.rkv.table.layout.LayoutBuffers.updateCrcLong;
import static dev.rkv.table.layout.TableHeaderDescriptor.*;

/**
 * Writes the header (the writer, under the header's own seqlock) and decodes a copy of it
 * (readers). One instance per thread.
 */
public final class HeaderCodec {

    private final CRC32C crc = new CRC32C();

    /**
     * Writes a complete header at {@code at}: magic, layout, geometry, epoch, replication id
     * and offset. The version continues from whatever the region holds there (0 for a new one).
     */
    public void write(ByteBuffer region, int at, TableGeometry geometry, long epoch, String replid, long replicationOffset, int flags) {
        byte[] id = replidBytes(replid);
        long even = Seqlock.beginWrite(region, at + VERSION_OFFSET);
        putLong(region, at + MAGIC_OFFSET, MAGIC);
        putInt(region, at + LAYOUT_VERSION_OFFSET, LAYOUT_VERSION);
        putInt(region, at + HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        putLong(region, at + EPOCH_OFFSET, epoch);
        putLong(region, at + REPLICATION_OFFSET_OFFSET, replicationOffset);
        region.put(at + REPLID_OFFSET, id);
        putInt(region, at + FLAGS_OFFSET, flags);
        putInt(region, at + CLASS_COUNT_OFFSET, geometry.classCount());
        putInt(region, at + OVERFLOW_BLOCK_SIZE_OFFSET, OverflowDescriptor.BLOCK_SIZE);
        putLong(region, at + TABLE_LENGTH_OFFSET, geometry.tableLength());
        putLong(region, at + INDEX_OFFSET_OFFSET, geometry.indexOffset());
        putLong(region, at + INDEX_BUCKET_COUNT_OFFSET, geometry.indexBucketCount());
        putLong(region, at + OVERFLOW_OFFSET_OFFSET, geometry.overflowOffset());
        putLong(region, at + OVERFLOW_BLOCK_COUNT_OFFSET, geometry.overflowBlockCount());
        putLong(region, at + OVERFLOW_WRITTEN_OFFSET, 0);
        for (int i = RESERVED_OFFSET; i < CLASS_TABLE_OFFSET; i += Long.BYTES) {
            putLong(region, at + i, 0);
        }
        for (int c = 0; c < geometry.classCount(); c++) {
            int e = at + classEntryOffset(c);
            putInt(region, e + CLASS_SLOT_SIZE_OFFSET, geometry.slotSize(c));
            putInt(region, e + CLASS_SLOTS_WRITTEN_OFFSET, 0);
            putLong(region, e + CLASS_SLOT_COUNT_OFFSET, geometry.slotCount(c));
            putLong(region, e + CLASS_BASE_OFFSET, geometry.classOffset(c));
        }
        for (int i = checksummedEnd(geometry.classCount()); i < HEADER_LENGTH; i += Long.BYTES) {
            putLong(region, at + i, 0);
        }
        endWrite(region, at, even, geometry.classCount());
    }

    /** Updates the replication id, offset and flags of a header this writer formatted. */
    public void update(ByteBuffer region, int at, String replid, long replicationOffset, int flags) {
        byte[] id = replidBytes(replid);
        long even = Seqlock.beginWrite(region, at + VERSION_OFFSET);
        putLong(region, at + REPLICATION_OFFSET_OFFSET, replicationOffset);
        region.put(at + REPLID_OFFSET, id);
        putInt(region, at + FLAGS_OFFSET, flags);
        endWrite(region, at, even, getInt(region, at + CLASS_COUNT_OFFSET));
    }

    /**
     * Raises the written bounds of a header this writer formatted: {@code slotsWritten[c]} for
     * each class (a bound that does not fit 32 bits is stored as "all") and the overflow area's.
     * The writer calls it before it first writes past a bound.
     */
    public void updateWritten(ByteBuffer region, int at, long[] slotsWritten, long overflowWritten) {
        int classCount = getInt(region, at + CLASS_COUNT_OFFSET);
        long even = Seqlock.beginWrite(region, at + VERSION_OFFSET);
        for (int c = 0; c < classCount; c++) {
            long bound = slotsWritten[c];
            putInt(region, at + classEntryOffset(c) + CLASS_SLOTS_WRITTEN_OFFSET, (int) (bound >= WRITTEN_ALL ? WRITTEN_ALL : bound));
        }
        putLong(region, at + OVERFLOW_WRITTEN_OFFSET, overflowWritten);
        endWrite(region, at, even, classCount);
    }

    /** Updates only the replication offset (the common, per-batch update). */
    public void updateReplicationOffset(ByteBuffer region, int at, long replicationOffset) {
        long even = Seqlock.beginWrite(region, at + VERSION_OFFSET);
        putLong(region, at + REPLICATION_OFFSET_OFFSET, replicationOffset);
        endWrite(region, at, even, getInt(region, at + CLASS_COUNT_OFFSET));
    }

    private void endWrite(ByteBuffer region, int at, long even, int classCount) {
        putInt(region, at + CRC_OFFSET, checksum(region, at, even, classCount));
        Seqlock.endWrite(region, at + VERSION_OFFSET, even);
    }

    private int checksum(ByteBuffer buffer, int at, long version, int classCount) {
        crc.reset();
        updateCrc(crc, buffer, at + MAGIC_OFFSET, VERSION_OFFSET - MAGIC_OFFSET);
        updateCrcLong(crc, version);
        updateCrc(crc, buffer, at + VERSION_OFFSET + 8, CRC_OFFSET - VERSION_OFFSET - 8);
        updateCrc(crc, buffer, at + CRC_RESUME_OFFSET, checksummedEnd(classCount) - CRC_RESUME_OFFSET);
        return (int) crc.getValue();
    }

    static byte[] replidBytes(String replid) {
        if (replid == null || replid.length() != REPLID_LENGTH) {
            throw new TableLayoutException("replication id must be " + REPLID_LENGTH + " characters, was "
                    + (replid == null ? "null" : replid.length() + " (\"" + replid + "\")"));
        }
        for (int i = 0; i < replid.length(); i++) {
            char ch = replid.charAt(i);
            if (ch < 0x21 || ch > 0x7E) {
                throw new TableLayoutException("replication id must be printable ASCII, had character " + (int) ch + " at " + i);
            }
        }
        return replid.getBytes(StandardCharsets.US_ASCII);
    }

    /** Decodes the header at {@code at} of a local copy (at least {@link TableHeaderDescriptor#HEADER_LENGTH} bytes from it). */
    public HeaderRead decode(ByteBuffer copy, int at) {
        if (copy.capacity() - at < HEADER_LENGTH) {
            return HeaderRead.failed(HeaderStatus.INVALID, "header copy must hold " + HEADER_LENGTH + " bytes, held " + (copy.capacity() - at));
        }
        if (getLong(copy, at + MAGIC_OFFSET) != MAGIC) {
            return HeaderRead.failed(HeaderStatus.BAD_MAGIC, "magic must be " + Long.toHexString(MAGIC) + ", was "
                    + Long.toHexString(getLong(copy, at + MAGIC_OFFSET)));
        }
        long version = getLong(copy, at + VERSION_OFFSET);
        if ((version & 1) != 0) {
            return HeaderRead.failed(HeaderStatus.TORN, "version " + version + " is odd");
        }
        int classCount = getInt(copy, at + CLASS_COUNT_OFFSET);
        if (classCount < 1 || classCount > MAX_CLASSES) {
            return HeaderRead.failed(HeaderStatus.CORRUPT, "class count must be between 1 and " + MAX_CLASSES + ", was " + classCount);
        }
        if (checksum(copy, at, version, classCount) != getInt(copy, at + CRC_OFFSET)) {
            return HeaderRead.failed(HeaderStatus.CORRUPT, "CRC32C mismatch");
        }
        int layoutVersion = getInt(copy, at + LAYOUT_VERSION_OFFSET);
        int headerLength = getInt(copy, at + HEADER_LENGTH_OFFSET);
        int blockSize = getInt(copy, at + OVERFLOW_BLOCK_SIZE_OFFSET);
        if (layoutVersion != LAYOUT_VERSION || headerLength != HEADER_LENGTH || blockSize != OverflowDescriptor.BLOCK_SIZE) {
            return HeaderRead.failed(HeaderStatus.UNSUPPORTED_VERSION, "layout version " + layoutVersion + ", header length " + headerLength
                    + ", block size " + blockSize + "; this code reads " + LAYOUT_VERSION + ", " + HEADER_LENGTH + ", "
                    + OverflowDescriptor.BLOCK_SIZE);
        }
        int flags = getInt(copy, at + FLAGS_OFFSET);
        if ((flags & ~KNOWN_FLAGS) != 0) {
            return HeaderRead.failed(HeaderStatus.UNSUPPORTED_VERSION, "unknown flags " + Integer.toHexString(flags));
        }
        int[] sizes = new int[classCount];
        long[] counts = new long[classCount];
        for (int c = 0; c < classCount; c++) {
            int e = at + classEntryOffset(c);
            sizes[c] = getInt(copy, e + CLASS_SLOT_SIZE_OFFSET);
            counts[c] = getLong(copy, e + CLASS_SLOT_COUNT_OFFSET);
        }
        TableGeometry geometry;
        try {
            geometry = TableGeometry.of(sizes, counts, getLong(copy, at + INDEX_BUCKET_COUNT_OFFSET),
                    getLong(copy, at + OVERFLOW_BLOCK_COUNT_OFFSET));
        } catch (TableLayoutException e) {
            return HeaderRead.failed(HeaderStatus.INVALID, e.getMessage());
        }
        String mismatch = offsetMismatch(copy, at, geometry);
        if (mismatch != null) {
            return HeaderRead.failed(HeaderStatus.INVALID, mismatch);
        }
        long[] written = new long[classCount];
        for (int c = 0; c < classCount; c++) {
            long bound = Integer.toUnsignedLong(getInt(copy, at + classEntryOffset(c) + CLASS_SLOTS_WRITTEN_OFFSET));
            if (bound == WRITTEN_ALL) {
                bound = geometry.slotCount(c);
            } else if (bound > geometry.slotCount(c)) {
                return HeaderRead.failed(HeaderStatus.INVALID, "class " + c + " claims " + bound + " slots written of " + geometry.slotCount(c));
            }
            written[c] = bound;
        }
        long overflowWritten = getLong(copy, at + OVERFLOW_WRITTEN_OFFSET);
        if (overflowWritten < 0 || overflowWritten > geometry.overflowBlockCount()) {
            return HeaderRead.failed(HeaderStatus.INVALID, "the overflow area claims " + overflowWritten + " blocks written of "
                    + geometry.overflowBlockCount());
        }
        byte[] id = new byte[REPLID_LENGTH];
        copy.get(at + REPLID_OFFSET, id);
        return new HeaderRead(HeaderStatus.OK, new TableHeader(version, getLong(copy, at + EPOCH_OFFSET),
                getLong(copy, at + REPLICATION_OFFSET_OFFSET), new String(id, StandardCharsets.US_ASCII), flags, geometry,
                written, overflowWritten), null);
    }

    private static String offsetMismatch(ByteBuffer copy, int at, TableGeometry g) {
        String m = mismatch("table length", g.tableLength(), getLong(copy, at + TABLE_LENGTH_OFFSET));
        m = m != null ? m : mismatch("index offset", g.indexOffset(), getLong(copy, at + INDEX_OFFSET_OFFSET));
        m = m != null ? m : mismatch("overflow offset", g.overflowOffset(), getLong(copy, at + OVERFLOW_OFFSET_OFFSET));
        for (int c = 0; m == null && c < g.classCount(); c++) {
            m = mismatch("base of class " + c, g.classOffset(c), getLong(copy, at + classEntryOffset(c) + CLASS_BASE_OFFSET));
        }
        return m;
    }

    private static String mismatch(String what, long computed, long stored) {
        return computed == stored ? null : what + " must be " + computed + " as the layout computes it, was " + stored;
    }
}
