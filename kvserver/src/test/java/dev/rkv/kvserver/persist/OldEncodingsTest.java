package dev.rkv.kvserver.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.HashValue;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.store.KeyspaceListener;
import dev.rkv.kvserver.store.ListValue;
import dev.rkv.kvserver.store.ZSetValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RDBs of Redis up to 6.2 (version 9): ziplist-encoded hashes, lists and sorted sets, quicklists
 * of ziplists, and the zipmap hashes of Redis before 2.6. The blobs are built here byte by byte
 * as those versions lay them out (every integer and string encoding a ziplist has), then loaded.
 */
class OldEncodingsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A ziplist as Redis 6.2 writes one: integers in their smallest encoding, strings by length. */
    static byte[] ziplist(List<String> elements) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prev = 0;
        for (String e : elements) {
            ByteArrayOutputStream entry = new ByteArrayOutputStream();
            if (prev < 254) {
                entry.write(prev);
            } else {
                entry.write(254);
                le(entry, prev, 4);
            }
            Long v = e.matches("-?[0-9]{1,18}") && !e.matches("-?0[0-9]+") && !e.equals("-0") ? Long.parseLong(e) : null;
            if (v != null && v >= 0 && v <= 12) {
                entry.write(0xF1 + v.intValue());
            } else if (v != null && v >= -128 && v <= 127) {
                entry.write(0xFE);
                entry.write(v.intValue());
            } else if (v != null && v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                entry.write(0xC0);
                le(entry, v, 2);
            } else if (v != null && v >= -(1 << 23) && v < (1 << 23)) {
                entry.write(0xF0);
                le(entry, v, 3);
            } else if (v != null && v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                entry.write(0xD0);
                le(entry, v, 4);
            } else if (v != null) {
                entry.write(0xE0);
                le(entry, v, 8);
            } else {
                byte[] s = b(e);
                if (s.length <= 63) {
                    entry.write(s.length);
                } else if (s.length <= 16383) {
                    entry.write(0x40 | (s.length >> 8));
                    entry.write(s.length & 0xFF);
                } else {
                    entry.write(0x80);
                    entry.write(s.length >>> 24);
                    entry.write((s.length >> 16) & 0xFF);
                    entry.write((s.length >> 8) & 0xFF);
                    entry.write(s.length & 0xFF);
                }
                entry.writeBytes(s);
            }
            prev = entry.size();
            body.writeBytes(entry.toByteArray());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int total = 10 + body.size() + 1;
        le(out, total, 4);
        le(out, 10, 4);
        le(out, Math.min(elements.size(), 65535), 2);
        out.writeBytes(body.toByteArray());
        out.write(0xFF);
        return out.toByteArray();
    }

    static byte[] zipmap(Map<String, String> pairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(pairs.size());
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            byte[] k = b(e.getKey());
            byte[] v = b(e.getValue());
            out.write(k.length);
            out.writeBytes(k);
            out.write(v.length);
            out.write(2); // free bytes after the value
            out.writeBytes(v);
            out.write(0);
            out.write(0);
        }
        out.write(0xFF);
        return out.toByteArray();
    }

    private static void le(ByteArrayOutputStream out, long v, int n) {
        for (int i = 0; i < n; i++) {
            out.write((int) (v >>> (8 * i)) & 0xFF);
        }
    }

    /** An RDB v9 without checksum holding one key of {@code type} whose value is the string {@code blob}. */
    private static byte[] rdb(int type, String key, byte[] blob) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(b("REDIS0009"));
        out.write(type);
        writeString(out, b(key));
        if (type == RdbDescriptor.TYPE_LIST_QUICKLIST) {
            out.write(1); // one node
        }
        writeString(out, blob);
        out.write(0xFF);
        le(out, 0, 8);
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, byte[] s) {
        if (s.length < 64) {
            out.write(s.length);
        } else {
            out.write(0x80);
            out.write(s.length >>> 24);
            out.write((s.length >> 16) & 0xFF);
            out.write((s.length >> 8) & 0xFF);
            out.write(s.length & 0xFF);
        }
        out.writeBytes(s);
    }

    private static Entry load(byte[] rdb, String key) throws Exception {
        Keyspace ks = new Keyspace(16, new KeyspaceListener() { });
        RdbLoader.load(new ByteArrayInputStream(rdb), ks, Long.MIN_VALUE);
        return ks.db(0).peek(new Key(b(key)));
    }

    private static final List<String> ELEMENTS = List.of("a", "0", "12", "13", "-1", "127", "-128", "300", "-40000",
        "8388607", "-8388608", "2147483647", "-2147483648", "9223372036854775807", "", "007", "x".repeat(100), "y".repeat(20_000));

    @Test
    void listsFromZiplistsAndQuicklistsOfZiplists() throws Exception {
        for (int type : new int[] {RdbDescriptor.TYPE_LIST_ZIPLIST, RdbDescriptor.TYPE_LIST_QUICKLIST}) {
            ListValue l = (ListValue) load(rdb(type, "l", ziplist(ELEMENTS)), "l").value();
            List<String> seen = new ArrayList<>();
            l.forEach(e -> seen.add(new String(e, StandardCharsets.ISO_8859_1)));
            assertEquals(ELEMENTS, seen, "type " + type);
        }
    }

    @Test
    void hashesFromZiplistsAndZipmaps() throws Exception {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (int i = 0; i + 1 < ELEMENTS.size() - 1; i += 2) {
            pairs.put("f" + ELEMENTS.get(i), ELEMENTS.get(i + 1));
        }
        List<String> flat = new ArrayList<>();
        pairs.forEach((f, v) -> {
            flat.add(f);
            flat.add(v);
        });
        HashValue fromZiplist = (HashValue) load(rdb(RdbDescriptor.TYPE_HASH_ZIPLIST, "h", ziplist(flat)), "h").value();
        Map<String, String> small = new LinkedHashMap<>(Map.of("name", "rkv", "n", "1", "empty", ""));
        HashValue fromZipmap = (HashValue) load(rdb(RdbDescriptor.TYPE_HASH_ZIPMAP, "h", zipmap(small)), "h").value();
        Map<String, String> seen = new LinkedHashMap<>();
        fromZiplist.forEach((f, v) -> seen.put(new String(f, StandardCharsets.ISO_8859_1), new String(v, StandardCharsets.ISO_8859_1)));
        assertEquals(pairs, seen);
        Map<String, String> seenSmall = new LinkedHashMap<>();
        fromZipmap.forEach((f, v) -> seenSmall.put(new String(f, StandardCharsets.ISO_8859_1), new String(v, StandardCharsets.ISO_8859_1)));
        assertEquals(small, seenSmall);
    }

    @Test
    void sortedSetsFromZiplists() throws Exception {
        ZSetValue z = (ZSetValue) load(rdb(RdbDescriptor.TYPE_ZSET_ZIPLIST, "z",
            ziplist(List.of("a", "1", "b", "2.5", "c", "-3", "d", "inf"))), "z").value();
        assertEquals(4, z.size());
        assertEquals(-3.0, z.at(0).score());
        assertEquals(2.5, z.score(b("b")));
        assertEquals(Double.POSITIVE_INFINITY, z.score(b("d")));
    }

    @Test
    void corruptBlobsAreRefused() {
        byte[] zl = ziplist(List.of("a", "b"));
        zl[0]++; // total length lies
        assertTrue(assertThrows(RdbFormatException.class, () -> load(rdb(RdbDescriptor.TYPE_LIST_ZIPLIST, "l", zl), "l"))
            .getMessage().startsWith("Corrupt ziplist"));
        byte[] zm = zipmap(Map.of("k", "v"));
        zm[1] = (byte) 200; // a key length past the end
        assertTrue(assertThrows(RdbFormatException.class, () -> load(rdb(RdbDescriptor.TYPE_HASH_ZIPMAP, "h", zm), "h"))
            .getMessage().startsWith("Corrupt zipmap"));
        assertTrue(assertThrows(RdbFormatException.class,
            () -> load(rdb(RdbDescriptor.TYPE_HASH_ZIPLIST, "h", ziplist(List.of("odd"))), "h")).getMessage().contains("odd"));
    }
}
