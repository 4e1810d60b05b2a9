package dev.rkv.primary;

import dev.rkv.kvserver.store.KeySlot;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.table.TableGeometry;
import dev.rkv.table.TableReader;
import dev.rkv.table.layout.SlotStatus;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Readable dumps of a keyspace and of a table copy, "db/key" to "value @expiry #lsn", for comparisons. */
final class TableDump {
    private TableDump() {
    }

    static Map<String, String> keyspace(Keyspace ks) {
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < ks.count(); i++) {
            int db = i;
            for (int s = 0; s < KeySlot.SLOTS; s++) {
                ks.db(i).forEachInSlot(s, Long.MIN_VALUE, (k, e) -> out.put(db + "/" + str(k.bytes()),
                    str(e.bytes()) + " @" + (e.hasExpiry() ? e.expireAtMs() : 0)));
            }
        }
        return out;
    }

    /** Every OK slot of a copy of the region; {@code lsns} receives each key's LSN. */
    static Map<String, String> table(ByteBuffer copy, Map<String, Long> lsns) {
        TableGeometry g = TableReader.readHeader(copy).header().geometry();
        TableReader reader = new TableReader(g);
        Map<String, String> out = new TreeMap<>();
        reader.decodeRange(copy, 0, (c, i, status, v) -> {
            if (status == SlotStatus.OK) {
                byte[] k = v.key();
                String name = (k[0] & 0xFF) + "/" + new String(k, 1, k.length - 1, StandardCharsets.ISO_8859_1);
                byte[] value;
                if (v.isOverflow()) {
                    if (reader.verifyExtent(copy, 0, v) != dev.rkv.table.layout.ExtentStatus.OK) {
                        throw new AssertionError("overflow extent of " + name + " does not verify in a quiet table");
                    }
                    value = new byte[v.valueLength()];
                    copy.get(reader.extentValueIndex(0, v), value);
                } else {
                    value = v.value();
                }
                out.put(name, str(value) + " @" + v.expireAtMs());
                lsns.put(name, v.lsn());
            } else if (status != SlotStatus.EMPTY) {
                throw new AssertionError("slot " + i + " of class " + c + " is " + status + " in a quiet table");
            }
        });
        return out;
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
