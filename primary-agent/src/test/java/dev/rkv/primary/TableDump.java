package dev.rkv.primary;

import dev.rkv.kvserver.persist.DumpPayload;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.HashValue;
import dev.rkv.kvserver.store.KeySlot;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.store.ListValue;
import dev.rkv.kvserver.store.SetValue;
import dev.rkv.kvserver.store.ZSetValue;
import dev.rkv.table.TableGeometry;
import dev.rkv.table.TableReader;
import dev.rkv.table.layout.SlotDescriptor;
import dev.rkv.table.layout.SlotStatus;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Readable dumps of a keyspace and of a table copy, "db/key" to "value @expiry #lsn", for comparisons. */
final class TableDump {
    private TableDump() {
    }

    /** The agent's table as it is now: a copy of its live region, dumped; {@code lsns} receives each key's LSN. */
    static Map<String, String> liveTable(PrimaryAgent agent, Map<String, Long> lsns) throws Exception {
        return agent.withTable((w, r) -> table(copyOf(r.buffer()), lsns));
    }

    /** The agent's table as it is now, without the LSNs. */
    static Map<String, String> liveTable(PrimaryAgent agent) throws Exception {
        return liveTable(agent, new java.util.HashMap<>());
    }

    private static ByteBuffer copyOf(ByteBuffer live) {
        ByteBuffer copy = ByteBuffer.allocate(live.capacity());
        copy.put(live.duplicate().clear());
        return copy.clear();
    }

    static Map<String, String> keyspace(Keyspace ks) {
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < ks.count(); i++) {
            int db = i;
            for (int s = 0; s < KeySlot.SLOTS; s++) {
                ks.db(i).forEachInSlot(s, Long.MIN_VALUE, (k, e) -> out.put(db + "/" + str(k.bytes()),
                    render(e) + " @" + (e.hasExpiry() ? e.expireAtMs() : 0)));
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
                out.put(name, (v.type() == SlotDescriptor.TYPE_STRING ? str(value) : render(restore(value))) + " @" + v.expireAtMs());
                lsns.put(name, v.lsn());
            } else if (status != SlotStatus.EMPTY) {
                throw new AssertionError("slot " + i + " of class " + c + " is " + status + " in a quiet table");
            }
        });
        return out;
    }

    private static Entry restore(byte[] payload) {
        if (!DumpPayload.verify(payload)) {
            throw new AssertionError("a serialized record fails its checksum in a quiet table");
        }
        try {
            return DumpPayload.restore(payload);
        } catch (Exception e) {
            throw new AssertionError("a serialized record does not restore", e);
        }
    }

    /** A value as text that does not depend on its encoding: hash fields and set members sorted, lists and zsets in order. */
    static String render(Entry e) {
        Object v = e.value();
        if (e.type() == dev.rkv.kvserver.store.ValueType.STRING) {
            return str(e.bytes());
        }
        List<String> parts = new ArrayList<>();
        boolean sorted = true;
        if (v instanceof HashValue h) {
            h.forEach((f, x) -> parts.add(str(f) + "=" + str(x)));
        } else if (v instanceof SetValue set) {
            set.forEach(m -> parts.add(str(m)));
        } else if (v instanceof ListValue l) {
            l.forEach(x -> parts.add(str(x)));
            sorted = false;
        } else if (v instanceof ZSetValue z) {
            z.forEach((m, score) -> parts.add(str(m) + ":" + score));
            sorted = false;
        } else {
            throw new AssertionError("unknown value " + v);
        }
        if (sorted) {
            Collections.sort(parts);
        }
        return e.type().typeName() + parts;
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
