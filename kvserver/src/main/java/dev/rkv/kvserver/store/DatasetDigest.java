package dev.rkv.kvserver.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;

/**
 * An order-independent digest of a dataset, over database, key, type, value and expiry, in
 * the spirit of Redis's DEBUG DIGEST: two servers with the same data print the same 40 hex
 * characters whatever order their maps iterate in; an empty dataset prints forty zeros.
 *
 * <p>Each entry is hashed with SHA-1 on its own and the hashes are XORed (keys are unique
 * within a database, so nothing cancels). Entries whose expiry has passed at {@code nowMs}
 * are skipped: they are logically gone, whether or not a DEL has removed them yet.
 */
public final class DatasetDigest {
    private final MessageDigest sha1;
    private final byte[] acc = new byte[20];
    private final long nowMs;

    private DatasetDigest(long nowMs) {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
        this.nowMs = nowMs;
    }

    /** The digest of every database of a keyspace (event loop thread). */
    public static String of(Keyspace keyspace, long nowMs) {
        DatasetDigest d = new DatasetDigest(nowMs);
        for (int i = 0; i < keyspace.count(); i++) {
            Database db = keyspace.db(i);
            for (int slot = 0; slot < KeySlot.SLOTS; slot++) {
                if (db.slotOccupied(slot)) {
                    db.forEachInSlot(slot, nowMs, (k, e) -> d.add(db.index(), k, e));
                }
            }
        }
        return HexFormat.of().formatHex(d.acc);
    }

    private void add(int db, Key key, Entry e) {
        if (e.isExpired(nowMs)) {
            return;
        }
        sha1.reset();
        sha1.update(ByteBuffer.allocate(12).putInt(db).putLong(e.expireAtMs()).array());
        field(key.bytes());
        field(e.type().typeName().getBytes(StandardCharsets.US_ASCII));
        value(e.value());
        byte[] h = sha1.digest();
        for (int i = 0; i < acc.length; i++) {
            acc[i] ^= h[i];
        }
    }

    private void field(byte[] b) {
        sha1.update(ByteBuffer.allocate(4).putInt(b.length).array());
        sha1.update(b);
    }

    /** Strings are hashed as bytes; collections element by element, maps and sets order-independently. */
    private void value(Object v) {
        if (v instanceof byte[] b) {
            field(b);
        } else if (v instanceof RegionString r) {
            field(r.copy());
        } else if (v instanceof HashValue h) {
            // Field order differs between encodings and servers: hash the pairs order-independently.
            byte[] x = new byte[20];
            h.forEach((f, val) -> xorInto(x, sub(f, val)));
            field(x);
        } else if (v instanceof ZSetValue z) {
            z.forEach((m, score) -> {
                field(m);
                field(Long.toString(Double.doubleToLongBits(score == 0.0 ? 0.0 : score)).getBytes(StandardCharsets.US_ASCII));
            });
        } else if (v instanceof ListValue list) {
            list.forEach(this::field);
        } else if (v instanceof SetValue set) {
            byte[] x = new byte[20];
            set.forEach(m -> xorInto(x, sub(m, null)));
            field(x);
        } else if (v instanceof Map<?, ?> m) {
            byte[] x = new byte[20];
            for (Map.Entry<?, ?> en : m.entrySet()) {
                xorInto(x, sub(en.getKey(), en.getValue()));
            }
            field(x);
        } else if (v instanceof java.util.Set<?> s) {
            byte[] x = new byte[20];
            for (Object o : s) {
                xorInto(x, sub(o, null));
            }
            field(x);
        } else if (v instanceof Collection<?> c) {
            for (Object o : c) {
                value(o);
            }
        } else {
            field(String.valueOf(v).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] sub(Object a, Object b) {
        DatasetDigest d = new DatasetDigest(0);
        d.value(a);
        if (b != null) {
            d.value(b);
        }
        return d.sha1.digest();
    }

    private static void xorInto(byte[] acc, byte[] h) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] ^= h[i];
        }
    }
}
