package dev.rkv.cli.testing;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A dataset whose every value starts with its generation tag ({@code g<N>:}), so that a replica
 * serving a mix of two datasets shows it: all of its values must carry one tag, and as many
 * keys as that generation wrote.
 */
public final class Generation {
    private Generation() {
    }

    /** Writes {@code keys} keys {@code <prefix>:<i>} with values {@code g<gen>:<i>:} padded to {@code valueSize} bytes. */
    public static void load(RkvNode node, int gen, String prefix, int keys, int valueSize) {
        try (Jedis j = node.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < keys; i++) {
                p.set(prefix + ":" + i, value(gen, i, valueSize));
                if (i % 1000 == 999) {
                    p.sync();
                }
            }
            p.sync();
        }
    }

    /** The padding is pseudo-random text so that an RDB file is as large as the data (LZF finds no repeats to compress). */
    public static String value(int gen, long i, int valueSize) {
        StringBuilder b = new StringBuilder(valueSize).append('g').append(gen).append(':').append(i).append(':');
        SplittableRandom rnd = new SplittableRandom(i * 31 + gen);
        while (b.length() < valueSize) {
            b.append((char) ('a' + rnd.nextInt(26)));
        }
        return b.toString();
    }

    /** Keys per generation tag found on a server (SCAN and MGET; values without a tag count under "untagged"). */
    public static Map<String, Long> census(RkvNode node) {
        Map<String, Long> counts = new TreeMap<>();
        try (Jedis j = node.jedis()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams params = new ScanParams().count(1000);
            do {
                ScanResult<String> r = j.scan(cursor, params);
                cursor = r.getCursor();
                if (!r.getResult().isEmpty()) {
                    for (String v : j.mget(r.getResult().toArray(new String[0]))) {
                        if (v != null) {
                            int colon = v.indexOf(':');
                            String tag = v.startsWith("g") && colon > 1 ? v.substring(0, colon) : "untagged";
                            counts.merge(tag, 1L, Long::sum);
                        }
                    }
                }
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return counts;
    }
}
