package dev.rkv.replica;

import dev.rkv.table.TableGeometry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ranges stored into the adopted copy (staged) or written into its reserved mappings (direct)
 * read back at the same offsets, across chunk boundaries, after the file is closed, and after a
 * later range found the file system full; a reservation without room means copy mode.
 */
class AdoptedTableTest {
    private static final int[] SIZES = {64, 192, 1024};

    @Test
    void everyRangeReadsBackWhereItWasStoredAcrossSmallChunks(@TempDir Path dir) throws Exception {
        TableGeometry g = TableGeometry.of(SIZES, new long[] {1000, 333, 50}, 64, 16);
        int readBytes = 4096;
        List<TableGeometry.PullRange> plan = plan(g, readBytes);
        // Chunks of about 10 KiB: every class spans several mappings.
        AdoptedTable t = AdoptedTable.createOrNull(dir, g, readBytes, plan, 10_000, SpaceLimitedChannel.openerWithoutReservation(1L << 30));
        assertNotNull(t);
        assertFalse(t.direct(), "no reservation: staged");
        Random rnd = new Random(3);
        List<ByteBuffer> homes = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        for (TableGeometry.PullRange r : plan) {
            byte[] bytes = new byte[(int) r.length()];
            rnd.nextBytes(bytes);
            // A staging slice that does not start at 0, as the puller's do.
            ByteBuffer staging = ByteBuffer.allocateDirect(bytes.length + 100);
            staging.put(100, bytes);
            ByteBuffer home = t.store(r, staging.slice(100, bytes.length));
            assertEquals(bytes.length, home.capacity());
            homes.add(home);
            sent.add(bytes);
        }
        t.close();
        try (var files = Files.list(dir)) {
            assertFalse(files.findAny().isPresent(), "the file is unlinked as soon as it is open");
        }
        for (int i = 0; i < homes.size(); i++) {
            byte[] back = new byte[sent.get(i).length];
            homes.get(i).get(0, back);
            assertEquals(ByteBuffer.wrap(sent.get(i)), ByteBuffer.wrap(back), "range " + plan.get(i));
        }
    }

    @Test
    void rangesThatDoNotFitTheCopyAreRefused(@TempDir Path dir) throws Exception {
        TableGeometry g = TableGeometry.of(SIZES, new long[] {100, 10, 10}, 64, 16);
        AdoptedTable t = AdoptedTable.createOrNull(dir, g, 4096, List.of(), 4096, TableCopyFileOpener.PLAIN);
        assertNotNull(t);
        // 4096 / 64 = 64 slots per READ and per chunk: a range of 65 slots would straddle two mappings.
        var straddling = new TableGeometry.PullRange(g.slotAddress(0, 0), 65 * 64, 0, 0, 65);
        assertThrows(IllegalArgumentException.class, () -> t.store(straddling, ByteBuffer.allocateDirect(65 * 64)));
        var overflow = new TableGeometry.PullRange(g.overflowOffset(), 64, TableGeometry.PullRange.OVERFLOW, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> t.store(overflow, ByteBuffer.allocateDirect(64)));
        var first = new TableGeometry.PullRange(g.slotAddress(0, 0), 64 * 64, 0, 0, 64);
        assertThrows(IllegalArgumentException.class, () -> t.store(first, ByteBuffer.allocateDirect(100)), "length mismatch");
        t.close();
    }

    @Test
    void aRangeTheFileHasNoRoomForIsNotStoredAndTheRangesBeforeItStayReadable(@TempDir Path dir) throws Exception {
        TableGeometry g = TableGeometry.of(SIZES, new long[] {1000, 333, 50}, 64, 16);
        int readBytes = 4096;
        List<TableGeometry.PullRange> plan = plan(g, readBytes);
        // Room for the first three ranges and half of the fourth: its store writes what fits, then fails.
        long room = plan.get(0).length() + plan.get(1).length() + plan.get(2).length() + plan.get(3).length() / 2;
        AdoptedTable t = AdoptedTable.createOrNull(dir, g, readBytes, plan, 10_000, SpaceLimitedChannel.openerWithoutReservation(room));
        assertNotNull(t);
        Random rnd = new Random(5);
        List<ByteBuffer> homes = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] bytes = new byte[(int) plan.get(i).length()];
            rnd.nextBytes(bytes);
            homes.add(t.store(plan.get(i), ByteBuffer.wrap(bytes)));
            sent.add(bytes);
        }
        long stored = t.storedBytes();
        assertEquals(room - plan.get(3).length() / 2, stored);
        byte[] fourth = new byte[(int) plan.get(3).length()];
        rnd.nextBytes(fourth);
        IOException full = assertThrows(IOException.class, () -> t.store(plan.get(3), ByteBuffer.wrap(fourth)));
        assertEquals(SpaceLimitedChannel.ENOSPC, full.getMessage());
        assertEquals(stored, t.storedBytes(), "a range written in part counts for nothing");
        assertThrows(IOException.class, () -> t.store(plan.get(4), ByteBuffer.allocate((int) plan.get(4).length())));
        t.close();
        for (int i = 0; i < homes.size(); i++) {
            byte[] back = new byte[sent.get(i).length];
            homes.get(i).get(0, back);
            assertEquals(ByteBuffer.wrap(sent.get(i)), ByteBuffer.wrap(back), "range " + plan.get(i) + " after the failure");
        }
    }

    @Test
    void readsLandedInTheReservedMappingsReadBackFromReadOnlyHomes(@TempDir Path dir) throws Exception {
        TableGeometry g = TableGeometry.of(SIZES, new long[] {1000, 333, 50}, 64, 16);
        int readBytes = 4096;
        List<TableGeometry.PullRange> plan = plan(g, readBytes);
        AdoptedTable t = AdoptedTable.createOrNull(dir, g, readBytes, plan, 10_000, TableCopyFileOpener.PLAIN);
        assertNotNull(t);
        assertTrue(t.direct(), "fallocate reserved the planned ranges: " + t.whyStaged());
        List<ByteBuffer> mappings = t.mappings();
        Random rnd = new Random(7);
        List<ByteBuffer> homes = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        for (TableGeometry.PullRange r : plan) {
            byte[] bytes = new byte[(int) r.length()];
            rnd.nextBytes(bytes);
            // What a READ does: write the range's bytes at its place in a registered mapping.
            mappings.get(t.chunkIndex(r)).put(t.offsetInChunk(r), bytes);
            ByteBuffer home = t.landed(r);
            assertTrue(home.isReadOnly(), "values cannot write the table copy");
            homes.add(home);
            sent.add(bytes);
        }
        assertEquals(plan.stream().mapToLong(TableGeometry.PullRange::length).sum(), t.storedBytes());
        t.close();
        for (int i = 0; i < homes.size(); i++) {
            byte[] back = new byte[sent.get(i).length];
            homes.get(i).get(0, back);
            assertEquals(ByteBuffer.wrap(sent.get(i)), ByteBuffer.wrap(back), "range " + plan.get(i));
        }
    }

    @Test
    void aStagedCopyRefusesALandedRead(@TempDir Path dir) {
        TableGeometry g = TableGeometry.of(SIZES, new long[] {100, 10, 10}, 64, 16);
        List<TableGeometry.PullRange> plan = plan(g, 4096);
        AdoptedTable t = AdoptedTable.createOrNull(dir, g, 4096, plan, 4096, SpaceLimitedChannel.openerWithoutReservation(1 << 20));
        assertNotNull(t);
        assertFalse(t.direct());
        assertEquals("the test's file system cannot reserve", t.whyStaged());
        assertThrows(IllegalStateException.class, () -> t.landed(plan.get(0)), "its pages may not exist");
        t.close();
    }

    @Test
    void noDirectoryOrNoRoomMeansCopyMode(@TempDir Path dir) {
        TableGeometry g = TableGeometry.of(SIZES, new long[] {10, 10, 10}, 64, 16);
        List<TableGeometry.PullRange> plan = plan(g, 4096);
        assertNull(AdoptedTable.createOrNull(null, g, 4096, plan));
        assertNull(AdoptedTable.createOrNull(dir.resolve("missing"), g, 4096, plan));
        var huge = new TableGeometry.PullRange(g.slotAddress(0, 0), Long.MAX_VALUE, 0, 0, 1);
        assertNull(AdoptedTable.createOrNull(dir, g, 4096, List.of(huge)), "more than the file system can hold");
    }

    @Test
    void aReservationTheFileSystemHasNoRoomForMeansCopyMode(@TempDir Path dir) throws Exception {
        TableGeometry g = TableGeometry.of(SIZES, new long[] {1000, 333, 50}, 64, 16);
        List<TableGeometry.PullRange> plan = plan(g, 4096);
        long needed = plan.stream().mapToLong(TableGeometry.PullRange::length).sum();
        // The free-space check passes (the real file system has room), the reservation finds less than the plan.
        assertNull(AdoptedTable.createOrNull(dir, g, 4096, plan, 10_000, SpaceLimitedChannel.opener(needed - 1)));
        try (var files = Files.list(dir)) {
            assertFalse(files.findAny().isPresent(), "nothing left behind");
        }
        AdoptedTable t = AdoptedTable.createOrNull(dir, g, 4096, plan, 10_000, SpaceLimitedChannel.opener(needed));
        assertNotNull(t, "exactly enough room");
        assertTrue(t.direct(), t.whyStaged());
        t.close();
    }

    private static List<TableGeometry.PullRange> plan(TableGeometry g, int readBytes) {
        List<TableGeometry.PullRange> plan = new ArrayList<>();
        for (TableGeometry.PullRange r : g.pullPlan(readBytes)) {
            if (!r.isOverflow()) {
                plan.add(r);
            }
        }
        return plan;
    }
}
