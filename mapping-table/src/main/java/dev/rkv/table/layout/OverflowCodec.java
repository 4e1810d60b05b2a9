package dev.rkv.table.layout;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static dev.rkv.table.layout.LayoutBuffers.getInt;
import static dev.rkv.table.layout.LayoutBuffers.getLong;
import static dev.rkv.table.layout.LayoutBuffers.putInt;
import static dev.rkv.table.layout.LayoutBuffers.updateCrc;
import static dev.rkv.table.layout.LayoutBuffers.updateCrcLong;
import static dev.rkv.table.layout.OverflowDescriptor.CRC_OFFSET;
import static dev.rkv.table.layout.OverflowDescriptor.DATA_OFFSET;
import static dev.rkv.table.layout.OverflowDescriptor.LENGTH_OFFSET;
import static dev.rkv.table.layout.OverflowDescriptor.VERSION_OFFSET;

/**
 * Encodes overflow extents for the writer and verifies them for readers; see
 * {@link OverflowDescriptor}. One instance per thread.
 */
public final class OverflowCodec {

    private final CRC32C crc = new CRC32C();

    /**
     * Writes {@code value} as the extent at {@code extent} with the final version
     * {@code evenVersion} (even, unique per extent write: the writer's counter).
     */
    public void write(ByteBuffer region, int extent, byte[] value, long evenVersion) {
        if ((evenVersion & 1) != 0 || evenVersion == 0) {
            throw new IllegalArgumentException("extent version must be even and non-zero, was " + evenVersion);
        }
        Seqlock.beginWrite(region, extent + VERSION_OFFSET, evenVersion);
        putInt(region, extent + LENGTH_OFFSET, value.length);
        region.put(extent + DATA_OFFSET, value);
        putInt(region, extent + CRC_OFFSET, checksum(region, extent, evenVersion, value.length));
        Seqlock.endWrite(region, extent + VERSION_OFFSET, evenVersion);
    }

    /**
     * Verifies the extent at {@code extent} of a local copy against the reference a slot
     * holds; on {@link ExtentStatus#OK} the value is at {@code extent + DATA_OFFSET}.
     */
    public ExtentStatus verify(ByteBuffer copy, int extent, long expectedVersion, int expectedLength) {
        if (extent < 0 || (long) extent + DATA_OFFSET + expectedLength > copy.capacity()) {
            return ExtentStatus.INCOMPLETE;
        }
        long version = getLong(copy, extent + VERSION_OFFSET);
        if ((version & 1) != 0) {
            return ExtentStatus.TORN;
        }
        if (version != expectedVersion || getInt(copy, extent + LENGTH_OFFSET) != expectedLength) {
            return ExtentStatus.STALE;
        }
        if (checksum(copy, extent, version, expectedLength) != getInt(copy, extent + CRC_OFFSET)) {
            return ExtentStatus.CORRUPT;
        }
        return ExtentStatus.OK;
    }

    private int checksum(ByteBuffer buffer, int extent, long version, int length) {
        crc.reset();
        updateCrcLong(crc, version);
        updateCrc(crc, buffer, extent + LENGTH_OFFSET, CRC_OFFSET - LENGTH_OFFSET);
        updateCrc(crc, buffer, extent + DATA_OFFSET, length);
        return (int) crc.getValue();
    }
}
