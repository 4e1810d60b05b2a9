package dev.rkv.kvserver.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class DatasetDigestTest {
    private static final long NOW = 1_000_000;

    private static Keyspace keyspace() {
        return new Keyspace(4, new KeyspaceListener() { });
    }

    private static void put(Keyspace ks, int db, String key, String value, long expireAt) {
        ks.db(db).put(new Key(key.getBytes(StandardCharsets.UTF_8)),
            Entry.string(value.getBytes(StandardCharsets.UTF_8), expireAt, NOW));
    }

    @Test
    void emptyDatasetIsFortyZeros() {
        assertEquals("0".repeat(40), DatasetDigest.of(keyspace(), NOW));
    }

    @Test
    void insertionOrderDoesNotMatter() {
        Keyspace a = keyspace();
        Keyspace b = keyspace();
        for (int i = 0; i < 500; i++) {
            put(a, i % 3, "k" + i, "v" + i, i % 2 == 0 ? Entry.NO_EXPIRY : NOW + i);
        }
        for (int i = 499; i >= 0; i--) {
            put(b, i % 3, "k" + i, "v" + i, i % 2 == 0 ? Entry.NO_EXPIRY : NOW + i);
        }
        assertEquals(DatasetDigest.of(a, NOW), DatasetDigest.of(b, NOW));
    }

    @Test
    void valueExpiryAndDatabaseAllCount() {
        Keyspace base = keyspace();
        put(base, 0, "k", "v", Entry.NO_EXPIRY);
        String d = DatasetDigest.of(base, NOW);
        Keyspace value = keyspace();
        put(value, 0, "k", "w", Entry.NO_EXPIRY);
        Keyspace expiry = keyspace();
        put(expiry, 0, "k", "v", NOW + 10);
        Keyspace db = keyspace();
        put(db, 1, "k", "v", Entry.NO_EXPIRY);
        assertNotEquals(d, DatasetDigest.of(value, NOW));
        assertNotEquals(d, DatasetDigest.of(expiry, NOW));
        assertNotEquals(d, DatasetDigest.of(db, NOW));
    }

    @Test
    void keysExpiredAtThatTimeAreLeftOut() {
        Keyspace a = keyspace();
        put(a, 0, "live", "1", Entry.NO_EXPIRY);
        Keyspace b = keyspace();
        put(b, 0, "live", "1", Entry.NO_EXPIRY);
        put(b, 0, "gone", "2", NOW - 1);
        assertEquals(DatasetDigest.of(a, NOW), DatasetDigest.of(b, NOW));
    }
}
