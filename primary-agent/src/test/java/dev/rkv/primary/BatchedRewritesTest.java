package dev.rkv.primary;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a collection's record is rewritten: at once when small, else by its own writes or by the credit writes earn. */
class BatchedRewritesTest {
    private final BatchedRewrites<String> b = new BatchedRewrites<>();

    @Test
    void smallCollectionsAreNeverPostponed() {
        assertFalse(b.postpone("s", BatchedRewrites.SMALL_ELEMENTS));
        assertTrue(b.isEmpty());
    }

    @Test
    void aBigCollectionWaitsUntilItMissedAQuarterOfItsSize() {
        for (int i = 1; i < 25; i++) {
            assertTrue(b.postpone("big", 100), "write " + i);
        }
        assertFalse(b.postpone("big", 100), "the 25th write makes 25 x 4 >= 100");
        assertTrue(b.isEmpty());
    }

    @Test
    void creditPaysForTheOldestWaitingRecordsFirstAndIsNotBankedWhileNothingWaits() {
        Map<String, Long> sizes = Map.of("a", 100L, "b", 50L);
        b.earn(1_000); // nothing waits: this credit is gone with the next write's
        b.earn(1); // 4 elements
        assertTrue(b.postpone("a", 100));
        assertTrue(b.postpone("b", 50));
        b.earn(2); // 12 elements in all
        assertEquals(List.of(), b.due(sizes::get));
        b.earn(22); // 100 elements in all
        assertEquals(List.of("a"), b.due(sizes::get), "a is oldest and now paid for; b must wait for more");
        b.earn(13);
        assertEquals(List.of("b"), b.due(sizes::get));
        assertTrue(b.isEmpty());
    }

    @Test
    void aWriteBigEnoughPaysForItsOwnRecord() {
        b.earn(2 + 2 * 1_000); // HSET key with 1,000 fields
        assertTrue(b.postpone("h", 1_000));
        assertEquals(List.of("h"), b.due(k -> 1_000));
    }

    @Test
    void creditStopsAtItsCap() {
        assertTrue(b.postpone("huge", 10_000_000));
        for (int i = 0; i < 100; i++) {
            b.earn(1_000_000);
        }
        assertEquals(List.of(), b.due(k -> BatchedRewrites.MAX_CREDIT + 1));
        assertEquals(List.of("huge"), b.due(k -> BatchedRewrites.MAX_CREDIT));
    }
}
