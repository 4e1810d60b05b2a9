package dev.rkv.kvserver.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DatabaseSnapshotTest {
    private final Database db = new Database(0, new KeyspaceListener() { });

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> contents(DatabaseSnapshot snap) {
        Map<String, String> out = new HashMap<>();
        snap.forEach((k, e) -> out.put(k.toString(), new String(e.bytes(), StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void snapshotIsUnaffectedByLaterWritesDeletesAndFlush() {
        for (int i = 0; i < 1000; i++) {
            db.put(Key.of("k" + i), Entry.string(b("v" + i), Entry.NO_EXPIRY, 0));
        }
        DatabaseSnapshot snap = db.snapshot();
        for (int i = 0; i < 1000; i += 2) {
            db.put(Key.of("k" + i), Entry.string(b("changed"), Entry.NO_EXPIRY, 0));
        }
        for (int i = 1; i < 1000; i += 4) {
            db.remove(Key.of("k" + i), 0);
        }
        db.put(Key.of("new"), Entry.string(b("x"), Entry.NO_EXPIRY, 0));

        Map<String, String> seen = contents(snap);
        assertEquals(1000, seen.size());
        assertEquals(1000, snap.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals("v" + i, seen.get("k" + i));
        }
        assertEquals("changed", new String(db.peek(Key.of("k0")).bytes(), StandardCharsets.UTF_8));
        assertNull(db.peek(Key.of("k1")));

        db.clear();
        assertEquals(1000, contents(snap).size());
    }

    @Test
    void writesAfterTheFirstCopyOfASlotStayVisibleToTheDatabase() {
        Key k = Key.of("same-slot");
        db.put(k, Entry.string(b("1"), Entry.NO_EXPIRY, 0));
        DatabaseSnapshot first = db.snapshot();
        db.put(k, Entry.string(b("2"), Entry.NO_EXPIRY, 0));
        db.put(k, Entry.string(b("3"), Entry.NO_EXPIRY, 0));
        DatabaseSnapshot second = db.snapshot();
        db.put(k, Entry.string(b("4"), Entry.NO_EXPIRY, 0));

        assertEquals("1", contents(first).get("same-slot"));
        assertEquals("3", contents(second).get("same-slot"));
        assertEquals("4", new String(db.peek(k).bytes(), StandardCharsets.UTF_8));
        assertEquals(1, db.size());
    }
}
