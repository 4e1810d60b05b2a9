package dev.rkv.table.layout;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SeqlockTest {

    @Test
    void aWriteGoesOddThenToTheNextEvenVersion() {
        ByteBuffer region = ByteBuffer.allocateDirect(16);
        long even = Seqlock.beginWrite(region, 8);
        assertEquals(1, LayoutBuffers.getLong(region, 8));
        assertEquals(2, even);
        Seqlock.endWrite(region, 8, even);
        assertEquals(2, LayoutBuffers.getLongAcquire(region, 8));
        assertEquals(4, Seqlock.beginWrite(region, 8));
    }

    @Test
    void aWriteLeftOddByACrashedWriterMovesPastItNeverBackToAnEvenValueReadersSaw() {
        ByteBuffer region = ByteBuffer.allocateDirect(8);
        LayoutBuffers.putLong(region, 0, 7);
        assertEquals(10, Seqlock.beginWrite(region, 0));
        assertEquals(9, LayoutBuffers.getLong(region, 0));
    }
}
