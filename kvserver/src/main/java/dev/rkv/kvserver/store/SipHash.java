package dev.rkv.kvserver.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * SipHash (Aumasson and Bernstein), the keyed hash Redis uses for its dictionaries since 4.0,
 * here with c compression and d finalization rounds. Keyed with a secret chosen at start, it
 * gives clients no way to pick keys (or hash fields, set members) that collide in a
 * {@link SlotMap} or an {@link ElementTable} (hash flooding): with a fixed hash such as
 * {@code Arrays.hashCode}, "Aa" and "BB" collide, and so do all 2^n strings made of n such
 * pairs, enough to turn every insert into a walk of one long chain.
 */
final class SipHash {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** SipHash-1-2 (Redis's choice: fast on short keys) under a secret drawn at start. */
    private static final SipHash SECRET = secret();

    private final long k0;
    private final long k1;
    private final int compressionRounds;
    private final int finalRounds;

    SipHash(long k0, long k1, int compressionRounds, int finalRounds) {
        this.k0 = k0;
        this.k1 = k1;
        this.compressionRounds = compressionRounds;
        this.finalRounds = finalRounds;
    }

    private static SipHash secret() {
        SecureRandom random = new SecureRandom();
        return new SipHash(random.nextLong(), random.nextLong(), 1, 2);
    }

    /** 32 bits of the process's secret-keyed hash of {@code data}. */
    static int secret32(byte[] data) {
        long h = SECRET.hash(data);
        return (int) (h ^ (h >>> 32));
    }

    long hash(byte[] data) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        int n = data.length;
        int end = n & ~7;
        // The last block holds the bytes after the whole words and the length in its top byte.
        long last = ((long) n) << 56;
        for (int i = end; i < n; i++) {
            last |= (data[i] & 0xFFL) << (8 * (i - end));
        }
        for (int i = 0; i <= end; i += 8) {
            long m = i < end ? (long) LONGS.get(data, i) : last;
            v3 ^= m;
            for (int r = 0; r < compressionRounds; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        v2 ^= 0xff;
        for (int r = 0; r < finalRounds; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
