package dev.rkv.replica;

import dev.rkv.kvserver.repl.StreamFilter;
import dev.rkv.kvserver.persist.DumpPayload;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.store.KeyspaceListener;
import dev.rkv.kvserver.store.SetValue;
import dev.rkv.kvserver.store.ValueType;
import dev.rkv.table.layout.SlotDescriptor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stream filter skips, keeps or splits effects by the LSNs a pull loaded (start offset 100). */
class LsnFilterTest {
    private final Keyspace ks = new Keyspace(16, new KeyspaceListener() { });
    private final DatasetLoader loader = new DatasetLoader(ks, 100);

    private LsnFilter filter() {
        return loader.filter();
    }

    private void loaded(int db, String key, long lsn) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] tableKey = new byte[k.length + 1];
        tableKey[0] = (byte) db;
        System.arraycopy(k, 0, tableKey, 1, k.length);
        try {
            loader.offer(SlotDescriptor.TYPE_STRING, tableKey, "v".getBytes(StandardCharsets.UTF_8), 0, lsn);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[][] cmd(String... argv) {
        return Arrays.stream(argv).map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    private static List<String> strings(byte[][] argv) {
        return Arrays.stream(argv).map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void effectAtOrBeforeTheLoadedLsnIsSkippedLaterOnesApply() {
        loaded(0, "a", 150);
        LsnFilter f = filter();
        assertEquals(150, f.horizon());
        assertNull(f.filter(0, cmd("INCR", "a"), 140));
        assertNull(f.filter(0, cmd("INCR", "a"), 150));
        byte[][] later = cmd("INCR", "a");
        assertSame(later, f.filter(0, later, 151));
    }

    @Test
    void keysLoadedAtOrBeforeTheStartOffsetNeverFilter() {
        loaded(0, "old", 90);
        byte[][] c = cmd("APPEND", "old", "x");
        assertSame(c, filter().filter(0, c, 101));
    }

    @Test
    void databasesAreApart() {
        loaded(1, "a", 150);
        byte[][] c = cmd("SET", "a", "x");
        assertSame(c, filter().filter(0, c, 120));
        assertNull(filter().filter(1, c, 120));
    }

    @Test
    void higherLsnOfAKeyLoadedTwiceWins() {
        loaded(0, "moved", 130);
        loaded(0, "moved", 120);
        assertNull(filter().filter(0, cmd("SET", "moved", "x"), 125));
    }

    @Test
    void delAndMsetKeepOnlyTheKeysStillBehind() {
        loaded(0, "a", 150);
        LsnFilter f = filter();
        assertEquals(List.of("DEL", "b"), strings(f.filter(0, cmd("DEL", "a", "b"), 120)));
        assertEquals(List.of("MSET", "b", "2"), strings(f.filter(0, cmd("MSETNX", "a", "1", "b", "2"), 120)));
        assertNull(f.filter(0, cmd("UNLINK", "a"), 120));
    }

    @Test
    void renameWhoseDestinationIsLoadedOnlyDeletesTheSource() {
        loaded(0, "dst", 130);
        loaded(0, "src", 110);
        assertEquals(List.of("DEL", "src"), strings(filter().filter(0, cmd("RENAME", "src", "dst"), 130)));
    }

    @Test
    void renameWhoseSourceChangedAgainCannotBeReconciled() {
        loaded(0, "src", 140);
        assertSame(StreamFilter.RESYNC, filter().filter(0, cmd("RENAME", "src", "dst"), 130));
        assertSame(StreamFilter.RESYNC, filter().filter(0, cmd("SWAPDB", "0", "1"), 130));
    }

    @Test
    void flushForgetsTheLsnsOfWhatItFlushed() {
        loaded(0, "a", 150);
        loaded(1, "b", 150);
        LsnFilter f = filter();
        f.filter(0, cmd("FLUSHDB"), 120);
        byte[][] c = cmd("SET", "a", "x");
        assertSame(c, f.filter(0, c, 130));
        assertNull(f.filter(1, cmd("SET", "b", "x"), 130));
        f.filter(0, cmd("FLUSHALL"), 131);
        byte[][] d = cmd("SET", "b", "x");
        assertSame(d, f.filter(1, d, 140));
    }

    @Test
    void keywordCommandsPassThrough() {
        loaded(0, "a", 150);
        byte[][] select = cmd("SELECT", "1");
        assertSame(select, filter().filter(0, select, 120));
        byte[][] multi = cmd("MULTI");
        assertSame(multi, filter().filter(0, multi, 120));
    }

    @Test
    void aMultiKeyEffectIsSkippedWhenEveryKeyHasItReplayedWhenNoneHasAndResyncsOtherwise() {
        loaded(0, "both1", 150);
        loaded(0, "both2", 150);
        loaded(0, "one", 150);
        LsnFilter f = filter();
        assertNull(f.filter(0, cmd("SMOVE", "both1", "both2", "m"), 120));
        byte[][] neither = cmd("SMOVE", "x", "y", "m");
        assertSame(neither, f.filter(0, neither, 120));
        assertSame(StreamFilter.RESYNC, f.filter(0, cmd("SMOVE", "one", "y", "m"), 120));
        assertSame(StreamFilter.RESYNC, f.filter(0, cmd("SINTERSTORE", "y", "one", "x"), 120));
        assertNull(f.filter(0, cmd("ZUNIONSTORE", "one", "2", "both1", "both2"), 120));
    }

    @Test
    void aSingleKeyEffectFindsItsKeyByTheKeySpecs() {
        loaded(0, "k", 150);
        assertNull(filter().filter(0, cmd("HSET", "k", "f", "v"), 120));
        byte[][] other = cmd("HSET", "other", "f", "v");
        assertSame(other, filter().filter(0, other, 120));
    }

    @Test
    void aSerializedRecordLoadsAsItsCollectionWithItsExpiry() throws Exception {
        SetValue members = SetValue.forFirstMember(bytes("a"));
        members.add(bytes("a"), 512);
        members.add(bytes("b"), 512);
        byte[] payload = DumpPayload.dump(Entry.of(ValueType.SET, members, Entry.NO_EXPIRY, 0), false);
        assertTrue(loader.offer(SlotDescriptor.TYPE_SERIALIZED, tableKey(2, "s"), payload, 4_000_000_000_000L, 130));
        Entry e = ks.db(2).peek(new Key(bytes("s")));
        assertEquals(ValueType.SET, e.type());
        assertEquals(2, ((SetValue) e.value()).size());
        assertEquals(4_000_000_000_000L, e.expireAtMs());
        assertNull(filter().filter(2, cmd("SADD", "s", "c"), 125));
    }

    @Test
    void aSerializedRecordThatDoesNotRestoreFailsThePullWithAClearError() {
        byte[] payload = DumpPayload.dump(Entry.of(ValueType.SET, SetValue.forFirstMember(bytes("a")), Entry.NO_EXPIRY, 0), false);
        payload[1] ^= 0x40;
        IOException e = assertThrows(IOException.class,
            () -> loader.offer(SlotDescriptor.TYPE_SERIALIZED, tableKey(0, "s"), payload, SlotDescriptor.NO_EXPIRY, 130));
        assertTrue(e.getMessage().contains("fails its checksum"), e.getMessage());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] tableKey(int db, String key) {
        byte[] k = bytes(key);
        byte[] out = new byte[k.length + 1];
        out[0] = (byte) db;
        System.arraycopy(k, 0, out, 1, k.length);
        return out;
    }
}
