package dev.rkv.kvserver.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Sizing the slot maps for a bulk load ({@link Database#expectKeys}) changes no behaviour, for
 * any hint a caller may pass (none, a real count, nonsense), before and after the loaded
 * database replaces a live one.
 */
class DatabaseExpectKeysTest {
    @ParameterizedTest(name = "expectKeys({0})")
    @ValueSource(longs = {-5, 0, 1, 937_000, Long.MAX_VALUE})
    void aSizedDatabaseStoresFindsAndRemovesAsAnyOther(long hint) {
        Database loaded = new Database(0, new KeyspaceListener() { });
        loaded.expectKeys(hint);
        for (int i = 0; i < 3000; i++) {
            loaded.put(Key.of("k" + i), Entry.string(("v" + i).getBytes(StandardCharsets.UTF_8), Entry.NO_EXPIRY, 0));
        }
        for (int i = 0; i < 3000; i += 3) {
            loaded.remove(Key.of("k" + i), 0);
        }
        assertEquals(2000, loaded.size());

        Database live = new Database(0, new KeyspaceListener() { });
        live.replaceWith(loaded);
        assertEquals(0, loaded.size());
        assertEquals(2000, live.size());
        for (int i = 0; i < 3000; i++) {
            Entry e = live.lookup(Key.of("k" + i), 0);
            if (i % 3 == 0) {
                assertNull(e, "k" + i);
            } else {
                assertArrayEquals(("v" + i).getBytes(StandardCharsets.UTF_8), e.bytes(), "k" + i);
            }
        }
        live.put(Key.of("after"), Entry.string(new byte[] {1}, Entry.NO_EXPIRY, 0));
        assertEquals(2001, live.size());
    }
}
