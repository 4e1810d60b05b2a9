package dev.rkv.replica;

import dev.rkv.table.TableGeometry;
import dev.rkv.table.HeaderCodec;
import dev.rkv.table.layout.LayoutBuffers;
import dev.rkv.table.layout.TableHeaderDescriptor;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static dev.rkv.table.layout.TableHeaderDescriptor.CLASS_COUNT_OFFSET;
import static dev.rkv.table.layout.TableHeaderDescriptor.CRC_OFFSET;
import static dev.rkv.table.layout.TableHeaderDescriptor.CRC_RESUME_OFFSET;

/**
 * Writes table headers a hostile primary could send: a well-formed header, then fields
 * patched past what the writer would ever write, sealed again with a matching CRC32C so
 * that only the replica's own checks stand between it and the garbage.
 */
final class HeaderForgery {
    private HeaderForgery() {
    }

    /**
     * A genuine header for {@code g} (epoch 1, the fake primary's replid, offset 100) whose
     * written bounds cover every slot and block, so the replica reads whatever a test plants.
     */
    static void write(ByteBuffer table, TableGeometry g) {
        HeaderCodec codec = new HeaderCodec();
        codec.write(table, 0, g, 1, FakePrimary.REPLID, 100, 0);
        codec.updateWritten(table, 0, g.slotCounts(), g.overflowBlockCount());
    }

    /** Sets class {@code c}'s slot count to any value, keeping every other field as the layout computes it. */
    static void patchSlotCount(ByteBuffer table, int c, long count) {
        LayoutBuffers.putLong(table, TableHeaderDescriptor.classEntryOffset(c) + TableHeaderDescriptor.CLASS_SLOT_COUNT_OFFSET, count);
        reseal(table);
    }

    /** Recomputes the header's CRC32C over what it now holds (the version is stored even, as the writer left it). */
    static void reseal(ByteBuffer table) {
        int classCount = LayoutBuffers.getInt(table, CLASS_COUNT_OFFSET);
        CRC32C crc = new CRC32C();
        LayoutBuffers.updateCrc(crc, table, 0, CRC_OFFSET);
        LayoutBuffers.updateCrc(crc, table, CRC_RESUME_OFFSET, TableHeaderDescriptor.checksummedEnd(classCount) - CRC_RESUME_OFFSET);
        LayoutBuffers.putInt(table, CRC_OFFSET, (int) crc.getValue());
    }
}
