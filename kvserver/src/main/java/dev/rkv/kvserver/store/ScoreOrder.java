package dev.rkv.kvserver.store;

import java.util.Arrays;

/** The order of a sorted set: by score, then by member bytes (unsigned, as memcmp). */
public final class ScoreOrder {
    private ScoreOrder() {
    }

    public static int compare(double s1, byte[] m1, double s2, byte[] m2) {
        int c = Double.compare(s1 == 0.0 ? 0.0 : s1, s2 == 0.0 ? 0.0 : s2); // -0.0 and 0.0 are one score
        return c != 0 ? c : Arrays.compareUnsigned(m1, m2);
    }
}
