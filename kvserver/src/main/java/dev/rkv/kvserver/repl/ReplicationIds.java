package dev.rkv.kvserver.repl;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The replication ids of PSYNC2: the current history's id and, after a switch of history
 * (a replica promoted, or a replica that followed its master to a new id), the previous id
 * and the first offset that no longer belongs to it. Owned by the event loop thread.
 */
public final class ReplicationIds {
    /** The id Redis prints for "no previous id". */
    public static final String NONE = "0000000000000000000000000000000000000000";
    private static final SecureRandom RANDOM = new SecureRandom();

    private String replId = random();
    private String replId2 = NONE;
    private long secondReplOffset = -1;

    /** 40 random hex characters. */
    /** True for a replication id as Redis makes them: 40 hexadecimal characters. */
    public static boolean isValid(String id) {
        if (id.length() != NONE.length()) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.digit(id.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    public static String random() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public String replId() {
        return replId;
    }

    public String replId2() {
        return replId2;
    }

    /** The first offset not covered by {@link #replId2()}; -1 when there is none. */
    public long secondReplOffset() {
        return secondReplOffset;
    }

    /** Adopts a history wholesale (after a full sync): no previous id. */
    public void adopt(String id) {
        replId = id;
        clearSecond();
    }

    public void clearSecond() {
        replId2 = NONE;
        secondReplOffset = -1;
    }

    /**
     * Starts a new history at {@code offset + 1}: the current id becomes the previous one,
     * valid up to {@code offset}. With {@code newId} null, a random id is made.
     */
    public void shift(long offset, String newId) {
        replId2 = replId;
        secondReplOffset = offset + 1;
        replId = newId == null ? random() : newId;
    }
}
