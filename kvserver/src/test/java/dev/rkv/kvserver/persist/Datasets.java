package dev.rkv.kvserver.persist;

import dev.rkv.kvserver.store.DatabaseSnapshot;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.store.KeyspaceListener;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Random keyspaces and their comparable contents, for RDB tests. */
final class Datasets {
    static final KeyspaceListener NONE = new KeyspaceListener() {
    };

    private Datasets() {
    }

    static Keyspace empty(int dbs) {
        return new Keyspace(dbs, NONE);
    }

    /**
     * A keyspace with binary keys and values, empty strings, canonical and non-canonical
     * integers, compressible and incompressible large values, expiries in the past and future.
     */
    static Keyspace random(long seed, int dbs, int keysPerDb, long nowMs) {
        Random rnd = new Random(seed);
        Keyspace ks = empty(dbs);
        for (int d = 0; d < dbs; d++) {
            if (rnd.nextInt(4) == 0) {
                continue;
            }
            for (int i = 0; i < keysPerDb; i++) {
                byte[] key = randomValue(rnd, 40);
                if (key.length == 0 && rnd.nextBoolean()) {
                    key = ("k" + i).getBytes(StandardCharsets.US_ASCII);
                }
                long expiry = switch (rnd.nextInt(6)) {
                    case 0 -> nowMs + 1 + rnd.nextInt(1_000_000);
                    case 1 -> nowMs - rnd.nextInt(1000);
                    default -> Entry.NO_EXPIRY;
                };
                ks.db(d).put(new Key(key), Entry.string(randomValue(rnd, 5000), expiry, nowMs));
            }
        }
        return ks;
    }

    static byte[] randomValue(Random rnd, int maxLen) {
        switch (rnd.nextInt(10)) {
            case 0:
                return new byte[0];
            case 1:
                return Long.toString(rnd.nextInt(256) - 128).getBytes(StandardCharsets.US_ASCII);
            case 2:
                return Long.toString(rnd.nextLong() >> rnd.nextInt(64)).getBytes(StandardCharsets.US_ASCII);
            case 3: {
                String[] odd = {"007", "-0", "+5", " 1", "1 ", "2147483648", "-2147483649", "9223372036854775808", "0x10"};
                return odd[rnd.nextInt(odd.length)].getBytes(StandardCharsets.US_ASCII);
            }
            case 4: {
                String unit = "abc" + rnd.nextInt(100);
                return unit.repeat(1 + rnd.nextInt(maxLen / unit.length())).getBytes(StandardCharsets.US_ASCII);
            }
            default: {
                byte[] b = new byte[rnd.nextInt(rnd.nextBoolean() ? 30 : maxLen)];
                rnd.nextBytes(b);
                return b;
            }
        }
    }

    /** Every entry not expired at {@code nowMs}, as "db/hexkey" -> "expiry:hexvalue". */
    static Map<String, String> contents(Keyspace ks, long nowMs) {
        Map<String, String> out = new TreeMap<>();
        HexFormat hex = HexFormat.of();
        for (DatabaseSnapshot db : ks.snapshot()) {
            db.forEach((k, e) -> {
                if (!e.isExpired(nowMs)) {
                    out.put(db.index() + "/" + hex.formatHex(k.bytes()), e.expireAtMs() + ":" + hex.formatHex(e.bytes()));
                }
            });
        }
        return out;
    }

    static byte[] write(Keyspace ks, boolean compress, RdbAux aux, long nowMs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = new RdbWriter(compress).write(ks.snapshot(), aux, out, nowMs);
        if (n != out.size()) {
            throw new AssertionError("write returned " + n + " but wrote " + out.size());
        }
        return out.toByteArray();
    }

    static RdbLoadResult load(byte[] rdb, Keyspace target, long nowMs) throws IOException, RdbFormatException {
        return RdbLoader.load(new ByteArrayInputStream(rdb), target, nowMs);
    }
}
