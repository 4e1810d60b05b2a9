package dev.rkv.kvserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Collections change in place, yet a snapshot sees each one as it was when taken: the first
 * write after a snapshot copies the value (once), a released snapshot costs no more copies.
 */
class MutableValueSnapshotTest {
    private final List<String> signals = new ArrayList<>();
    private final Keyspace ks = new Keyspace(1, new KeyspaceListener() {
        @Override
        public void keyModified(int db, Key key, Entry e) {
            signals.add(key + "=" + (e == null ? "deleted" : e.value() instanceof HashValue h ? h.size() : "string"));
        }
    });
    private final Database db = ks.db(0);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private HashValue hash(String key) {
        return (HashValue) db.lookupForWrite(Key.of(key), 0).value();
    }

    private void hset(String key, String field, String value) {
        Key k = Key.of(key);
        Entry e = db.lookupForWrite(k, 0);
        if (e == null) {
            HashValue h = HashValue.empty();
            h.put(b(field), b(value), HashLimits.DEFAULTS);
            db.put(k, Entry.of(ValueType.HASH, h, Entry.NO_EXPIRY, 0));
        } else {
            ((HashValue) e.value()).put(b(field), b(value), HashLimits.DEFAULTS);
            db.modified(k, e);
        }
    }

    private static Map<String, String> contents(HashValue h) {
        Map<String, String> out = new HashMap<>();
        h.forEach((f, v) -> out.put(new String(f, StandardCharsets.UTF_8), new String(v, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void aSnapshotKeepsSeeingTheHashAsItWas() {
        for (int i = 0; i < 200; i++) {
            hset("big", "f" + i, "v" + i); // beyond 128 fields: a hashtable
        }
        hset("small", "a", "1");
        DatabaseSnapshot snap = db.snapshot();
        HashValue before = (HashValue) db.peek(Key.of("big")).value();
        hset("big", "f0", "changed");
        hset("big", "new", "x");
        hset("small", "a", "2");

        Map<String, HashValue> seen = new HashMap<>();
        snap.forEach((k, e) -> seen.put(k.toString(), (HashValue) e.value()));
        assertEquals("v0", contents(seen.get("big")).get("f0"));
        assertEquals(200, seen.get("big").size());
        assertEquals("1", contents(seen.get("small")).get("a"));
        assertEquals("changed", contents(hash("big")).get("f0"));
        assertEquals(201, hash("big").size());
        assertNotSame(before, hash("big"), "the first write after the snapshot copied the hash");
    }

    @Test
    void aValueIsCopiedOncePerSnapshotAndNotAfterItsRelease() {
        hset("h", "a", "1");
        DatabaseSnapshot snap = db.snapshot();
        hset("h", "a", "2");
        HashValue copy = hash("h");
        hset("h", "a", "3");
        assertSame(copy, hash("h"), "the copy belongs to no snapshot: changed in place");
        snap.release();
        DatabaseSnapshot second = db.snapshot();
        second.release();
        HashValue current = hash("h");
        hset("h", "b", "4");
        assertSame(current, hash("h"), "no live snapshot: no copy");
        assertEquals(0, ks.liveSnapshots());
    }

    @Test
    void everyChangeIsSignalledOnce() {
        hset("h", "a", "1");
        hset("h", "b", "2");
        db.remove(Key.of("h"), 0);
        assertEquals(List.of("h=1", "h=2", "h=deleted"), signals);
    }

    @Test
    void aCopiedKeyHasAHashOfItsOwn() {
        hset("h", "a", "1");
        db.put(Key.of("copy"), db.lookup(Key.of("h"), 0).duplicate());
        hset("h", "a", "changed");
        assertEquals("1", contents(hash("copy")).get("a"));
    }

    @Test
    void aRenamedHashIsStillCopiedForTheSnapshotThatHoldsIt() {
        hset("h", "a", "1");
        DatabaseSnapshot snap = db.snapshot();
        Entry e = db.lookup(Key.of("h"), 0);
        db.remove(Key.of("h"), 0);
        db.put(Key.of("renamed"), e); // what RENAME does
        hset("renamed", "a", "changed");
        Map<String, HashValue> seen = new HashMap<>();
        snap.forEach((k, v) -> seen.put(k.toString(), (HashValue) v.value()));
        assertEquals("1", contents(seen.get("h")).get("a"));
        assertEquals("changed", contents(hash("renamed")).get("a"));
    }
}
