package dev.rkv.rdma;

/**
 * Memory-region access flags, with the values verbs uses ({@code IBV_ACCESS_*}).
 *
 * <p>Local read access is implicit. A region that is the destination of a READ or of a
 * posted receive needs {@link #LOCAL_WRITE}; a region a peer may READ needs
 * {@link #REMOTE_READ}; a region a peer may WRITE (or WRITE_WITH_IMM) needs
 * {@link #REMOTE_WRITE} and, as in verbs, {@link #LOCAL_WRITE} too.
 */
public final class Access {
    /** The local side may write the region (READ destination, receive buffer). */
    public static final int LOCAL_WRITE = 1;
    /** A peer may WRITE into the region. Requires {@link #LOCAL_WRITE}. */
    public static final int REMOTE_WRITE = 2;
    /** A peer may READ from the region. */
    public static final int REMOTE_READ = 4;
    /** Every flag this SPI knows. */
    public static final int ALL = LOCAL_WRITE | REMOTE_WRITE | REMOTE_READ;

    private Access() {
    }

    /**
     * Checks a flag set once at registration.
     *
     * @throws IllegalArgumentException for unknown bits or REMOTE_WRITE without LOCAL_WRITE
     */
    public static int validate(int flags) {
        if ((flags & ~ALL) != 0) {
            throw new IllegalArgumentException("unknown access flags 0x" + Integer.toHexString(flags & ~ALL));
        }
        if ((flags & REMOTE_WRITE) != 0 && (flags & LOCAL_WRITE) == 0) {
            throw new IllegalArgumentException("REMOTE_WRITE requires LOCAL_WRITE (as in verbs)");
        }
        return flags;
    }

    /** True if every bit of {@code required} is set in {@code flags}. */
    public static boolean allows(int flags, int required) {
        return (flags & required) == required;
    }

    /** A readable form such as {@code LOCAL_WRITE|REMOTE_READ}. */
    public static String toString(int flags) {
        if (flags == 0) {
            return "NONE";
        }
        StringBuilder sb = new StringBuilder();
        if ((flags & LOCAL_WRITE) != 0) {
            sb.append("LOCAL_WRITE|");
        }
        if ((flags & REMOTE_WRITE) != 0) {
            sb.append("REMOTE_WRITE|");
        }
        if ((flags & REMOTE_READ) != 0) {
            sb.append("REMOTE_READ|");
        }
        if ((flags & ~ALL) != 0) {
            sb.append("0x").append(Integer.toHexString(flags & ~ALL)).append('|');
        }
        return sb.substring(0, sb.length() - 1);
    }
}
