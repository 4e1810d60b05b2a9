package dev.rkv.table;

import dev.rkv.table.layout.SlotStatus;
import dev.rkv.table.layout.SlotView;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Helpers shared by the table tests: a replica-style full pull of a local region. */
final class TableFixtures {

    static final String REPLID = "8c9f1c6b0a6d4e4fb1f3a5a7c9e1d3f5a7b9c1d3";

    private TableFixtures() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A record as a replica loads it. */
    record Loaded(byte type, byte[] value, long expireAtMs, long lsn) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Loaded l && type == l.type && Arrays.equals(value, l.value) && expireAtMs == l.expireAtMs && lsn == l.lsn;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value) * 31 + Long.hashCode(lsn);
        }

        @Override
        public String toString() {
            return "Loaded{type=" + type + ", value=" + value.length + "B, expireAtMs=" + expireAtMs + ", lsn=" + lsn + '}';
        }
    }

    /** A copy of the whole region, as a bulk pull would deliver it. */
    static ByteBuffer pull(ByteBuffer region, long length) {
        ByteBuffer copy = ByteBuffer.allocate((int) length);
        copy.put(0, region, 0, (int) length);
        return copy;
    }

    /**
     * Full pull of a quiescent region the way a replica does it: header, then every range of
     * the pull plan up to the header's written bounds decoded, overflow values verified; highest
     * LSN per key wins. A slot written past a bound would be missed, so every model check that
     * pulls also checks the bounds.
     */
    static Map<String, Loaded> loadAll(ByteBuffer region, int rangeBytes) {
        HeaderRead header = TableReader.readHeader(pull(region, dev.rkv.table.layout.TableHeaderDescriptor.HEADER_LENGTH));
        if (!header.ok()) {
            throw new AssertionError("header: " + header);
        }
        TableGeometry g = header.header().geometry();
        TableReader reader = new TableReader(g);
        ByteBuffer whole = pull(region, g.tableLength());
        Map<String, Loaded> loaded = new HashMap<>();
        for (TableGeometry.PullRange range : header.header().pullPlan(rangeBytes)) {
            if (range.isOverflow()) {
                continue;
            }
            ByteBuffer copy = ByteBuffer.allocate((int) range.length());
            copy.put(0, whole, (int) range.offset(), (int) range.length());
            int retry = reader.decodeRange(copy, range.offset(), (c, i, status, view) -> {
                if (status == SlotStatus.OK) {
                    byte[] value = valueOf(reader, whole, view);
                    Loaded record = new Loaded(view.type(), value, view.expireAtMs(), view.lsn());
                    loaded.merge(new String(view.key(), StandardCharsets.ISO_8859_1), record, (a, b) -> a.lsn >= b.lsn ? a : b);
                } else if (status != SlotStatus.EMPTY) {
                    throw new AssertionError("slot " + i + " of class " + c + " is " + status + " in a quiescent table");
                }
            });
            if (retry != 0) {
                throw new AssertionError(retry + " slots to retry in a quiescent table");
            }
        }
        return loaded;
    }

    static byte[] valueOf(TableReader reader, ByteBuffer whole, SlotView view) {
        if (!view.isOverflow()) {
            return view.value();
        }
        var status = reader.verifyExtent(whole, 0, view);
        if (status != dev.rkv.table.layout.ExtentStatus.OK) {
            throw new AssertionError("extent " + status);
        }
        byte[] value = new byte[view.valueLength()];
        whole.get(reader.extentValueIndex(0, view), value);
        return value;
    }

    /** Lookups against a live region, each read a fresh copy (as an RDMA READ is). */
    static RegionReader readerOf(ByteBuffer region) {
        return (offset, length) -> {
            ByteBuffer copy = ByteBuffer.allocate(length);
            copy.put(0, region, (int) offset, length);
            return copy;
        };
    }

    static Map<String, Loaded> sortedCopy(Map<String, Loaded> m) {
        return new java.util.TreeMap<>(m);
    }
}
