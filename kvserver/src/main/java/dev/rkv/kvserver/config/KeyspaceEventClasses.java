package dev.rkv.kvserver.config;

/**
 * The classes of keyspace events and the {@code notify-keyspace-events} letters that select
 * them, with Redis 7.0's parsing and its canonical spelling (notify.c).
 *
 * <p>A set of classes is an int of these bits. {@link #KEYSPACE} and {@link #KEYEVENT} say on
 * which channels events go out; the other bits say which events. Neither half alone publishes
 * anything, so "A" without "K" or "E" is silent, as in Redis.
 */
public final class KeyspaceEventClasses {
    /** K: publish on {@code __keyspace@<db>__:<key>}. */
    public static final int KEYSPACE = 1;
    /** E: publish on {@code __keyevent@<db>__:<event>}. */
    public static final int KEYEVENT = 1 << 1;
    /** g: DEL, EXPIRE, RENAME and other commands that do not depend on the type. */
    public static final int GENERIC = 1 << 2;
    /** $: string commands. */
    public static final int STRING = 1 << 3;
    /** l: list commands. */
    public static final int LIST = 1 << 4;
    /** s: set commands. */
    public static final int SET = 1 << 5;
    /** h: hash commands. */
    public static final int HASH = 1 << 6;
    /** z: sorted set commands. */
    public static final int ZSET = 1 << 7;
    /** x: a key removed because its time to live passed. */
    public static final int EXPIRED = 1 << 8;
    /** e: a key removed by maxmemory eviction (rkv does not evict, so never sent). */
    public static final int EVICTED = 1 << 9;
    /** t: stream commands (rkv has no streams, so never sent). */
    public static final int STREAM = 1 << 10;
    /** m: a read found no key ("keymiss"). */
    public static final int KEY_MISS = 1 << 11;
    /** d: module events (rkv has no modules, so never sent). */
    public static final int MODULE = 1 << 12;
    /** n: a key was added to the keyspace ("new"). Not part of "A", as in Redis. */
    public static final int NEW = 1 << 13;
    /** A: every event class but m and n. */
    public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    /** The text of Redis's CONFIG SET error for a letter it does not know. */
    static final String INVALID = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

    private KeyspaceEventClasses() {
    }

    /** The classes a {@code notify-keyspace-events} value selects; letters may repeat, in any order. */
    public static int parse(String letters) throws ConfigException {
        int classes = 0;
        for (int i = 0; i < letters.length(); i++) {
            classes |= switch (letters.charAt(i)) {
                case 'A' -> ALL;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'd' -> MODULE;
                case 'n' -> NEW;
                default -> throw new ConfigException(INVALID);
            };
        }
        return classes;
    }

    /**
     * The value CONFIG GET shows: "A" when every class of A is on, else the class letters in a
     * fixed order, then K, E and m. Redis 7.0 writes "n" among the class letters, so that it is
     * dropped whenever "A" stands for them ("An" reads back as "A").
     */
    public static String format(int classes) {
        StringBuilder sb = new StringBuilder();
        if ((classes & ALL) == ALL) {
            sb.append('A');
        } else {
            appendIf(sb, classes, GENERIC, 'g');
            appendIf(sb, classes, STRING, '$');
            appendIf(sb, classes, LIST, 'l');
            appendIf(sb, classes, SET, 's');
            appendIf(sb, classes, HASH, 'h');
            appendIf(sb, classes, ZSET, 'z');
            appendIf(sb, classes, EXPIRED, 'x');
            appendIf(sb, classes, EVICTED, 'e');
            appendIf(sb, classes, STREAM, 't');
            appendIf(sb, classes, MODULE, 'd');
            appendIf(sb, classes, NEW, 'n');
        }
        appendIf(sb, classes, KEYSPACE, 'K');
        appendIf(sb, classes, KEYEVENT, 'E');
        appendIf(sb, classes, KEY_MISS, 'm');
        return sb.toString();
    }

    private static void appendIf(StringBuilder sb, int classes, int bit, char letter) {
        if ((classes & bit) != 0) {
            sb.append(letter);
        }
    }
}
