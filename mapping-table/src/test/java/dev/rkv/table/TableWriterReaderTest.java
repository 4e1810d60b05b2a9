package dev.rkv.table;

import dev.rkv.table.TableFixtures.Loaded;
import dev.rkv.table.layout.SlotDescriptor;
import dev.rkv.table.layout.TableHeaderDescriptor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.rkv.table.TableFixtures.REPLID;
import static dev.rkv.table.TableFixtures.ascii;
import static dev.rkv.table.TableFixtures.loadAll;
import static dev.rkv.table.TableFixtures.readerOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writer to reader on whole tables: a model map is the oracle. */
class TableWriterReaderTest {

    private static final int[] SMALL_CLASSES = {64, 96, 128, 256, 512};

    /** The regions of the writers {@link #newTable} made, so tests read what the writer wrote. */
    private final Map<TableWriter, ByteBuffer> regions = new java.util.IdentityHashMap<>();

    private TableWriter newTable(TableGeometry g) {
        return newTable(g, TableWriter.DEFAULT_MAX_INDEX_LOAD);
    }

    private TableWriter newTable(TableGeometry g, double maxIndexLoad) {
        ByteBuffer region = ByteBuffer.allocateDirect((int) g.tableLength());
        TableWriter w = TableWriter.format(region, g, 1, REPLID, 0, maxIndexLoad);
        regions.put(w, region);
        return w;
    }

    private TableWriter grow(TableWriter w, TableGeometry g) {
        ByteBuffer region = ByteBuffer.allocateDirect((int) g.tableLength());
        TableWriter grown = w.growInto(region, g);
        regions.put(grown, region);
        return grown;
    }

    private ByteBuffer regionOf(TableWriter w) {
        return regions.get(w);
    }

    @Test
    void randomPutsUpdatesDeletesAndExpiriesMatchAModelAfterAFullPullAndThroughLookups() {
        Random random = new Random(42);
        TableGeometry g = TableGeometry.of(SMALL_CLASSES, new long[] {400, 400, 400, 400, 400}, 512, 4000);
        TableWriter w = newTable(g);
        Map<String, Loaded> model = new HashMap<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            keys.add("k" + i + "x".repeat(random.nextInt(30)));
        }
        churn(w, model, keys, random, 20_000, 0);
        assertHolds(w, model, keys);
    }

    /**
     * Random puts (some in overflow extents, some serialized, some expiring), deletes and expiry
     * changes against {@code w} and {@code model}; shortages are allowed and leave the model as
     * it was. Returns the last LSN used.
     */
    private static long churn(TableWriter w, Map<String, Loaded> model, List<String> keys, Random random, int ops, long lsn) {
        for (int op = 0; op < ops; op++) {
            String key = keys.get(random.nextInt(keys.size()));
            byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
            lsn += 1 + random.nextInt(50);
            int choice = random.nextInt(10);
            if (choice < 6) {
                int length = random.nextInt(10) == 0 ? 500 + random.nextInt(3000) : random.nextInt(470 - k.length);
                byte[] value = new byte[length];
                random.nextBytes(value);
                long expireAt = random.nextBoolean() ? 0 : 1_700_000_000_000L + op;
                byte type = random.nextInt(5) == 0 ? SlotDescriptor.TYPE_SERIALIZED : SlotDescriptor.TYPE_STRING;
                PutStatus s = w.put(type, k, value, expireAt, lsn);
                if (s == PutStatus.OK) {
                    model.put(key, new Loaded(type, value, expireAt, lsn));
                } else {
                    assertTrue(s.isSpaceShortage(), s.toString());
                }
            } else if (choice < 8) {
                assertEquals(model.remove(key) != null ? PutStatus.OK : PutStatus.NOT_FOUND, w.delete(k, lsn));
            } else {
                long expireAt = random.nextBoolean() ? 0 : 1_800_000_000_000L + op;
                Loaded old = model.get(key);
                assertEquals(old != null ? PutStatus.OK : PutStatus.NOT_FOUND, w.setExpiry(k, expireAt, lsn));
                if (old != null) {
                    model.put(key, new Loaded(old.type(), old.value(), expireAt, lsn));
                }
            }
        }
        return lsn;
    }

    /** The writer's key count, a full pull of its region and a lookup of every key all agree with the model. */
    private void assertHolds(TableWriter w, Map<String, Loaded> model, List<String> keys) {
        ByteBuffer region = regionOf(w);
        assertEquals(model.size(), w.keyCount());
        assertEquals(TableFixtures.sortedCopy(model), TableFixtures.sortedCopy(loadAll(region, 4096)));
        TableReader reader = new TableReader(w.geometry());
        for (String key : keys) {
            Lookup found = reader.lookup(key.getBytes(StandardCharsets.ISO_8859_1), readerOf(region), 3);
            Loaded expected = model.get(key);
            assertEquals(expected == null ? Lookup.Status.NOT_FOUND : Lookup.Status.FOUND, found.status(), key);
            if (expected != null) {
                assertEquals(expected, new Loaded(found.type(), found.value(), found.expireAtMs(), found.lsn()), key);
            }
        }
    }

    @Test
    void growingByAddingRoomCopiesTheTableAndItsAllocatorsExactly() {
        Random random = new Random(7);
        TableGeometry g = TableGeometry.of(SMALL_CLASSES, new long[] {60, 60, 60, 60, 60}, 512, 600);
        TableWriter w = newTable(g);
        Map<String, Loaded> model = new HashMap<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            keys.add("k" + i + "x".repeat(random.nextInt(30)));
        }
        long lsn = churn(w, model, keys, random, 3000, 0);
        assertHolds(w, model, keys);
        for (int round = 0; round < 4; round++) {
            // More slots in two classes and more overflow blocks: every address stays, so the bytes are copied as they are.
            TableGeometry bigger = w.geometry().withSlotCount(round % 5, w.geometry().slotCount(round % 5) * 2)
                .withSlotCount(4, w.geometry().slotCount(4) + 7).withOverflowBlocks(w.geometry().overflowBlockCount() + 333);
            TableWriter old = w;
            w = grow(w, bigger);
            assertTrue(TableReader.readHeader(regionOf(old)).header().retired());
            assertEquals(old.epoch() + 1, w.epoch());
            assertHolds(w, model, keys);
            // The allocators came along: freed slots and extents are reused, the new room is used, nothing collides.
            lsn = churn(w, model, keys, random, 3000, lsn);
            assertHolds(w, model, keys);
        }
        // A new index shape cannot keep addresses: the records are inserted again.
        w = grow(w, w.geometry().withIndexBuckets(w.geometry().indexBucketCount() * 2));
        assertHolds(w, model, keys);
        churn(w, model, keys, random, 2000, lsn);
        assertHolds(w, model, keys);
    }

    @Test
    void recordsAtEveryClassBoundaryLandInTheExpectedClassAndReadBack() {
        TableGeometry g = TableGeometry.of(SMALL_CLASSES, new long[] {8, 8, 8, 8, 8}, 8, 200);
        TableWriter w = newTable(g);
        ByteBuffer region = regionOf(w);
        Map<String, Loaded> model = new HashMap<>();
        long lsn = 0;
        int n = 0;
        for (int c = 0; c < SMALL_CLASSES.length; c++) {
            int capacity = g.payloadCapacity(c);
            for (int payload : new int[] {capacity - 1, capacity, capacity + 1}) {
                String key = String.format("b%03d", n++);
                byte[] value = new byte[payload - key.length()];
                java.util.Arrays.fill(value, (byte) n);
                int expectedClass = g.classFor(key.length(), value.length);
                long before = expectedClass >= 0 ? w.usedSlots(expectedClass) : 0;
                assertEquals(PutStatus.OK, w.put(ascii(key), value, 0, ++lsn));
                assertEquals(before + 1, w.usedSlots(expectedClass));
                if (payload == capacity + 1 && c + 1 < SMALL_CLASSES.length) {
                    assertEquals(c + 1, expectedClass);
                }
                model.put(key, new Loaded(SlotDescriptor.TYPE_STRING, value, 0, lsn));
            }
        }
        assertTrue(w.usedOverflowBlocks() > 0, "capacity + 1 of the largest class goes to an overflow extent");
        assertEquals(TableFixtures.sortedCopy(model), TableFixtures.sortedCopy(loadAll(region, 1000)));
        assertEquals(PutStatus.OK, w.put(new byte[0], new byte[0], 0, ++lsn), "the empty key and value");
        assertTrue(new TableReader(g).lookup(new byte[0], readerOf(region), 1).found());
    }

    @Test
    void valuesMovingBetweenInlineAndOverflowFreeWhatTheyLeave() {
        TableGeometry g = TableGeometry.of(SMALL_CLASSES, new long[] {4, 4, 4, 4, 4}, 4, 100);
        TableWriter w = newTable(g);
        byte[] key = ascii("mover");
        long lsn = 0;
        for (int round = 0; round < 50; round++) {
            for (int length : new int[] {10, 3000, 100, 4000, 450, 0, 1000}) {
                assertEquals(PutStatus.OK, w.put(key, new byte[length], 0, ++lsn), "round " + round + " length " + length);
            }
        }
        long used = 0;
        for (int c = 0; c < g.classCount(); c++) {
            used += w.usedSlots(c);
        }
        assertEquals(1, used);
        assertEquals(16, w.usedOverflowBlocks(), "only the last 1000-byte value's extent: (16 + 1000) / 64 rounded up");
        assertEquals(PutStatus.OK, w.delete(key, ++lsn));
        assertEquals(0, w.usedOverflowBlocks());
        assertEquals(100, w.largestFreeOverflowRun(), "freed runs coalesce");
        assertEquals(Map.of(), loadAll(regionOf(w), 512));
    }

    @Test
    void fullClassesAndIndexAndOverflowReportAndLeaveTheTableUnchanged() {
        TableGeometry g = TableGeometry.of(new int[] {64, 128}, new long[] {2, 1}, 1, 2);
        TableWriter w = newTable(g, 1.0);
        assertEquals(PutStatus.OK, w.put(ascii("a"), new byte[1], 0, 1));
        assertEquals(PutStatus.OK, w.put(ascii("b"), new byte[1], 0, 2));
        assertEquals(PutStatus.NO_SLOT, w.put(ascii("c"), new byte[1], 0, 3));
        assertEquals(PutStatus.NO_OVERFLOW_SPACE, w.put(ascii("c"), new byte[500], 0, 3));
        assertEquals(PutStatus.OK, w.put(ascii("c"), new byte[50], 0, 3));
        assertEquals(PutStatus.NO_SLOT, w.put(ascii("a"), new byte[60], 0, 4), "moving a to the full 128-byte class");
        assertEquals(PutStatus.NO_SLOT, w.put(ascii("d"), new byte[100], 0, 5), "overflow value, but the reference's class is full");
        assertEquals(2, w.largestFreeOverflowRun(), "the extent allocated for it was given back");
        assertEquals(PutStatus.OK, w.delete(ascii("b"), 5));
        assertEquals(PutStatus.OK, w.put(ascii("d"), new byte[100], 0, 5), "overflow: 2 blocks");
        assertEquals(PutStatus.KEY_TOO_LONG, w.put(new byte[SlotDescriptor.MAX_KEY_LENGTH + 1], new byte[0], 0, 6));
        assertEquals(PutStatus.KEY_TOO_LONG, w.put(new byte[200], new byte[0], 0, 6));
        Map<String, Loaded> loaded = loadAll(regionOf(w), 4096);
        assertEquals(3, loaded.size());
        assertEquals(1, loaded.get("a").lsn());
        assertEquals(1, loaded.get("a").value().length);
        TableGeometry tinyIndex = TableGeometry.of(new int[] {64}, new long[] {20}, 1, 0);
        TableWriter t = newTable(tinyIndex);
        for (int i = 0; i < 5; i++) {
            assertEquals(PutStatus.OK, t.put(ascii("k" + i), new byte[0], 0, i + 1));
        }
        assertEquals(PutStatus.INDEX_FULL, t.put(ascii("k5"), new byte[0], 0, 6), "0.85 x 7 entries");
        assertEquals(PutStatus.OK, t.put(ascii("k4"), new byte[1], 0, 7), "updates need no new entry");
    }

    @Test
    void growIntoCopiesEveryRecordAsANewEpochAndRetiresTheOldRegion() {
        TableGeometry small = TableGeometry.of(SMALL_CLASSES, new long[] {10, 10, 10, 10, 10}, 8, 100);
        TableWriter w = newTable(small);
        ByteBuffer oldRegion = regionOf(w);
        Random random = new Random(7);
        Map<String, Loaded> model = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            byte[] value = new byte[random.nextInt(700)];
            random.nextBytes(value);
            String key = "g" + i;
            if (w.put(ascii(key), value, i, i + 1) == PutStatus.OK) {
                model.put(key, new Loaded(SlotDescriptor.TYPE_STRING, value, i, i + 1));
            }
        }
        w.publishReplicationOffset(30);
        TableGeometry big = small.withSlotCount(0, 40).withIndexBuckets(16).withOverflowBlocks(1000);
        TableWriter grown = grow(w, big);
        assertEquals(2, grown.epoch());
        assertTrue(w.isRetired());
        assertThrows(IllegalStateException.class, () -> w.put(ascii("x"), new byte[0], 0, 31));
        HeaderRead oldHeader = TableReader.readHeader(oldRegion);
        assertTrue(oldHeader.header().retired());
        HeaderRead newHeader = TableReader.readHeader(regionOf(grown));
        assertEquals(2, newHeader.header().epoch());
        assertEquals(30, newHeader.header().replicationOffset());
        assertEquals(REPLID, newHeader.header().replid());
        assertTrue(oldHeader.header().invalidates(TableReader.readHeader(oldRegion).header()));
        assertTrue(newHeader.header().invalidates(oldHeader.header()));
        assertEquals(TableFixtures.sortedCopy(model), TableFixtures.sortedCopy(loadAll(regionOf(grown), 4096)));
        assertThrows(TableLayoutException.class, () -> grown.growInto(ByteBuffer.allocateDirect((int) small.tableLength()),
                TableGeometry.of(SMALL_CLASSES, new long[5], 8, 0)));
    }

    @Test
    void growingOnEachShortageKeepsEveryWriteAndBumpsTheEpochEachTime() {
        TableWriter w = newTable(TableGeometry.of(SMALL_CLASSES, new long[5], 1, 0));
        Random random = new Random(9);
        Map<String, Loaded> model = new HashMap<>();
        int grown = 0;
        for (int i = 0; i < 500; i++) {
            String key = "grow" + i;
            byte[] value = new byte[random.nextInt(10) == 0 ? 600 + random.nextInt(2000) : random.nextInt(400)];
            random.nextBytes(value);
            PutStatus s;
            while ((s = w.put(ascii(key), value, 0, i + 1)) != PutStatus.OK) {
                w = grow(w, w.grownGeometry(s, key.length(), value.length, 1.5));
                grown++;
            }
            model.put(key, new Loaded(SlotDescriptor.TYPE_STRING, value, 0, i + 1));
        }
        assertEquals(1 + grown, w.epoch());
        assertTrue(grown > 10, "grew " + grown + " times");
        assertEquals(TableFixtures.sortedCopy(model), TableFixtures.sortedCopy(loadAll(regionOf(w), 8192)));
        TableWriter last = w;
        assertThrows(IllegalArgumentException.class, () -> last.grownGeometry(PutStatus.OK, 1, 1, 2));
        assertThrows(TableLayoutException.class, () -> last.grownGeometry(PutStatus.NO_SLOT, 1, 1, 1.0));
    }

    @Test
    void headerCarriesReplicationStateAndVerifies() {
        TableGeometry g = TableGeometry.of(SMALL_CLASSES, new long[] {1, 2, 3, 4, 5}, 4, 6);
        TableWriter w = newTable(g);
        ByteBuffer region = regionOf(w);
        HeaderRead first = TableReader.readHeader(region);
        assertEquals(HeaderStatus.OK, first.status(), first.detail());
        assertEquals(g, first.header().geometry());
        assertEquals(1, first.header().epoch());
        assertEquals(0, first.header().replicationOffset());
        assertFalse(first.header().retired());
        w.publishReplicationOffset(12345);
        String other = "f".repeat(40);
        w.publishReplication(other, 99);
        HeaderRead second = TableReader.readHeader(region);
        assertEquals(99, second.header().replicationOffset());
        assertEquals(other, second.header().replid());
        assertEquals(first.header().version() + 4, second.header().version());
        assertFalse(second.header().invalidates(first.header()));

        ByteBuffer copy = TableFixtures.pull(region, TableHeaderDescriptor.HEADER_LENGTH);
        copy.put(200, (byte) (copy.get(200) ^ 1));
        assertEquals(HeaderStatus.CORRUPT, TableReader.readHeader(copy).status());
        copy = TableFixtures.pull(region, TableHeaderDescriptor.HEADER_LENGTH);
        copy.put(3000, (byte) 1);
        assertEquals(HeaderStatus.OK, TableReader.readHeader(copy).status(), "bytes past the class table are not checked");
        copy = TableFixtures.pull(region, TableHeaderDescriptor.HEADER_LENGTH);
        copy.put(8, (byte) (copy.get(8) | 1));
        assertEquals(HeaderStatus.TORN, TableReader.readHeader(copy).status());
        copy = TableFixtures.pull(region, TableHeaderDescriptor.HEADER_LENGTH);
        copy.put(0, (byte) 'X');
        assertEquals(HeaderStatus.BAD_MAGIC, TableReader.readHeader(copy).status());
        assertEquals(HeaderStatus.INVALID, TableReader.readHeader(ByteBuffer.allocate(100)).status());
        assertThrows(TableLayoutException.class, () -> w.publishReplication("short", 1));
        assertThrows(TableLayoutException.class, () -> w.publishReplication("\u00e9".repeat(40), 1));
    }

    @Test
    void writtenBoundsRiseBeforeEveryWritePastThemAndStayWithinTheClasses() {
        TableGeometry g = TableGeometry.of(SMALL_CLASSES, new long[] {10_000, 10, 0, 0, 3}, 16_384, 64);
        TableWriter w = newTable(g);
        ByteBuffer region = regionOf(w);
        TableHeader fresh = TableReader.readHeader(region).header();
        assertArrayEquals(new long[5], fresh.slotsWritten(), "nothing written yet");
        assertEquals(0, fresh.overflowWritten());
        for (int i = 0; i < 3000; i++) {
            assertEquals(PutStatus.OK, w.put(SlotDescriptor.TYPE_STRING, ascii("k" + i), ascii("v"), SlotDescriptor.NO_EXPIRY, i));
            if (i % 97 == 0) {
                TableHeader h = TableReader.readHeader(region).header();
                assertTrue(h.slotsWritten(0) > i, "the bound covers every slot written so far (" + i + "): " + h.slotsWritten(0));
            }
        }
        assertEquals(PutStatus.OK, w.put(SlotDescriptor.TYPE_STRING, ascii("big"), new byte[1000], SlotDescriptor.NO_EXPIRY, 1));
        TableHeader h = TableReader.readHeader(region).header();
        assertTrue(h.slotsWritten(0) >= 3000 && h.slotsWritten(0) <= 3000 + 10_000 / 64 + 64, "a step past the last slot: " + h.slotsWritten(0));
        assertTrue(h.overflowWritten() >= 1 && h.overflowWritten() <= 64);
        assertEquals(0, h.slotsWritten(2));
        long pulled = h.pullPlan(4096).stream().mapToLong(TableGeometry.PullRange::length).sum();
        long whole = g.pullPlan(4096).stream().mapToLong(TableGeometry.PullRange::length).sum();
        assertTrue(pulled < whole / 2, "a pull reads the written part only: " + pulled + " of " + whole);
        assertEquals(3001, loadAll(region, 4096).size());

        ByteBuffer copy = TableFixtures.pull(region, TableHeaderDescriptor.HEADER_LENGTH);
        copy.putInt(TableHeaderDescriptor.classEntryOffset(1) + TableHeaderDescriptor.CLASS_SLOTS_WRITTEN_OFFSET, 11);
        new HeaderCodec().updateWritten(copy, 0, new long[] {1, 11, 0, 0, 0}, 0);
        HeaderRead bad = TableReader.readHeader(copy);
        assertEquals(HeaderStatus.INVALID, bad.status(), "a bound past the class's slots is refused: " + bad.detail());
    }

    @Test
    void formatRefusesRegionsThatCannotHoldTheTable() {
        TableGeometry g = TableGeometry.of(SMALL_CLASSES, new long[] {1, 1, 1, 1, 1}, 4, 0);
        assertEquals("region must hold the table's " + g.tableLength() + " bytes, had 100",
                assertThrows(TableLayoutException.class, () -> TableWriter.format(ByteBuffer.allocateDirect(100), g, 1, REPLID, 0)).getMessage());
        assertThrows(TableLayoutException.class, () -> TableWriter.format(ByteBuffer.allocate((int) g.tableLength()), g, 1, REPLID, 0));
        assertThrows(TableLayoutException.class, () -> TableWriter.format(ByteBuffer.allocateDirect((int) g.tableLength()), g, 1, "x", 0));
        assertThrows(TableLayoutException.class,
                () -> TableWriter.format(ByteBuffer.allocateDirect((int) g.tableLength()), g, 1, REPLID, 0, 1.5));
    }

    @Test
    void lookupsSurviveManyPutsAndDeletesThatWrapAndChainTheIndex() {
        TableGeometry g = TableGeometry.of(new int[] {64}, new long[] {2000}, 32, 0);
        TableWriter w = newTable(g, 1.0);
        ByteBuffer region = regionOf(w);
        TableReader reader = new TableReader(g);
        Random random = new Random(3);
        Map<String, Long> model = new HashMap<>();
        long lsn = 0;
        for (int op = 0; op < 30_000; op++) {
            String key = "i" + random.nextInt(300);
            if (random.nextInt(3) > 0 && (model.containsKey(key) || model.size() < 32 * 7)) {
                assertEquals(PutStatus.OK, w.put(ascii(key), ascii(key), 0, ++lsn));
                model.put(key, lsn);
            } else {
                assertEquals(model.remove(key) != null ? PutStatus.OK : PutStatus.NOT_FOUND, w.delete(ascii(key), ++lsn));
            }
            if (op % 1000 == 0 || model.size() == 32 * 7) {
                for (int i = 0; i < 300; i++) {
                    String k = "i" + i;
                    Lookup l = reader.lookup(ascii(k), readerOf(region), 1);
                    assertEquals(model.containsKey(k), l.found(), k + " at op " + op);
                    if (l.found()) {
                        assertEquals(model.get(k), l.lsn());
                        assertArrayEquals(ascii(k), l.value());
                    }
                }
            }
        }
        for (long b = 0; b < g.indexBucketCount() && model.isEmpty(); b++) {
            assertEquals(0, dev.rkv.table.layout.LayoutBuffers.getLong(region, (int) g.bucketAddress(b)));
        }
    }
}
