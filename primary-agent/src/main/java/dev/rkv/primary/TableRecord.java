package dev.rkv.primary;

import dev.rkv.kvserver.persist.DumpPayload;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.MutableValue;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.table.layout.SlotDescriptor;

/**
 * A key's value as the table holds it: a string's bytes as they are, any other type as its
 * DUMP payload (RDB encoding, RDB version, CRC64), which a replica restores with the same code
 * RESTORE uses and which checks itself end to end.
 */
record TableRecord(byte type, byte[] value) {

    /** {@code serializer} is the caller's, reused across records (uncompressed: see DumpPayload). */
    static TableRecord of(Entry e, DumpPayload.Serializer serializer) {
        if (e.type() == ValueType.STRING) {
            return new TableRecord(SlotDescriptor.TYPE_STRING, e.bytes());
        }
        return new TableRecord(SlotDescriptor.TYPE_SERIALIZED, serializer.dump(e));
    }

    /** Elements of a collection (0 for a string): what rewriting its record costs. */
    static long elements(Entry e) {
        return e.value() instanceof MutableValue m ? m.size() : 0;
    }
}
