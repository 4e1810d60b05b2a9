package dev.rkv.primary;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a collection's record is rewritten: at once when small, else once its writes touched a quarter of it. */
class BatchedRewritesTest {
    private final BatchedRewrites<String> b = new BatchedRewrites<>();

    @Test
    void smallCollectionsAreNeverPostponed() {
        assertFalse(b.postpone("s", BatchedRewrites.SMALL_ELEMENTS, 1));
        assertTrue(b.isEmpty());
    }

    @Test
    void aBigCollectionWaitsUntilItsWritesTouchedAQuarterOfIt() {
        for (int i = 1; i < 25; i++) {
            assertTrue(b.postpone("big", 100, 1), "write " + i);
        }
        assertFalse(b.postpone("big", 100, 1), "the 25th write makes 25 x 4 >= 100");
        assertTrue(b.isEmpty());
        assertTrue(b.postpone("big", 100, 10));
        assertFalse(b.postpone("big", 100, 15), "25 elements touched in two writes");
    }

    @Test
    void aWriteThatTouchesEnoughPaysForItsOwnRecord() {
        assertFalse(b.postpone("made-by-one-rpush", 1_000, 250));
        assertTrue(b.postpone("other", 1_000, 249));
        b.written("other");
        assertTrue(b.isEmpty());
    }
}
