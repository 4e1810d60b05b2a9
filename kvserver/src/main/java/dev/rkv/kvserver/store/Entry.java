package dev.rkv.kvserver.store;

/**
 * One value in the keyspace: its type, payload and absolute expiry.
 *
 * <p>Entries are immutable apart from access statistics: a write of a string or of an expiry
 * replaces the entry in its slot map, which is what makes per-slot copy-on-write snapshots
 * sound. String payloads are {@code byte[]} and are never modified after being stored.
 * Collections are {@link MutableValue}s changed in place, under the copy-once-per-snapshot rule
 * that {@link Database#lookupForWrite} enforces.
 */
public final class Entry {
    /** No expiry. */
    public static final long NO_EXPIRY = -1;

    private final ValueType type;
    private final Object value;
    private final long expireAtMs;
    private final StringEncoding encoding;
    /** Last access time in ms, for OBJECT IDLETIME; a statistic, not part of the value. */
    private long lastAccessMs;
    /** Access counter for OBJECT FREQ; a statistic, not part of the value. */
    private int accessCount;

    private Entry(ValueType type, Object value, long expireAtMs, StringEncoding encoding, long nowMs) {
        this.type = type;
        this.value = value;
        this.expireAtMs = expireAtMs;
        this.encoding = encoding;
        this.lastAccessMs = nowMs;
    }

    /** A string whose encoding follows from its content, as after SET. */
    public static Entry string(byte[] value, long expireAtMs, long nowMs) {
        return new Entry(ValueType.STRING, value, expireAtMs, StringEncoding.of(value), nowMs);
    }

    /**
     * A value of any type. The type's command family owns the value object, which must not change
     * once stored (writes store a new Entry), so that snapshots and copies may share it.
     */
    public static Entry of(ValueType type, Object value, long expireAtMs, long nowMs) {
        if (type == ValueType.STRING) {
            return string((byte[]) value, expireAtMs, nowMs);
        }
        return new Entry(type, value, expireAtMs, null, nowMs);
    }

    /**
     * A string whose bytes stay in an adopted table region. Its encoding is computed as for a
     * heap string; only a string short enough to be an integer is read for it.
     */
    public static Entry regionString(RegionString value, long expireAtMs, long nowMs) {
        StringEncoding enc = value.length() <= StringEncoding.LONGEST_INT ? StringEncoding.of(value.copy()) : StringEncoding.ofLength(value.length());
        return new Entry(ValueType.STRING, value, expireAtMs, enc, nowMs);
    }

    /**
     * A string kept as text even when it reads as an integer, as Redis's createStringObject
     * makes it (INCRBYFLOAT results): embstr up to 44 bytes, raw beyond.
     */
    public static Entry plainString(byte[] value, long expireAtMs, long nowMs) {
        StringEncoding enc = StringEncoding.of(value);
        if (enc == StringEncoding.INT) {
            enc = StringEncoding.EMBSTR;
        }
        return new Entry(ValueType.STRING, value, expireAtMs, enc, nowMs);
    }

    /** A string modified in place in Redis (APPEND, SETRANGE), which Redis reports as raw. */
    public static Entry rawString(byte[] value, long expireAtMs, long nowMs) {
        return new Entry(ValueType.STRING, value, expireAtMs, StringEncoding.RAW, nowMs);
    }

    /** An entry with the same expiry and statistics around another value (a collection's copy). */
    Entry withValue(Object newValue) {
        Entry e = new Entry(type, newValue, expireAtMs, encoding, lastAccessMs);
        e.accessCount = accessCount;
        return e;
    }

    /**
     * An entry for another key with this value (COPY): a collection is copied, since each key's
     * collection is changed in place; a heap string is shared, since strings never change; a
     * string in a table slot is copied onto the heap, since the slot belongs to the source key
     * and is reused once that key changes.
     */
    public Entry duplicate() {
        if (value instanceof MutableValue v) {
            return withValue(v.copy());
        }
        return value instanceof RegionString r ? withStorage(r.copy()) : withExpiry(expireAtMs);
    }

    /**
     * The same string, expiry and statistics, its bytes held in {@code storage}: a
     * {@code byte[]} or a {@link RegionString} with the same content.
     */
    Entry withStorage(Object storage) {
        if (type != ValueType.STRING || !(storage instanceof byte[] || storage instanceof RegionString)) {
            throw new IllegalArgumentException("only a string's storage moves, not a " + type + "'s to " + storage.getClass().getSimpleName());
        }
        int length = storage instanceof RegionString r ? r.length() : ((byte[]) storage).length;
        if (length != stringLength()) {
            throw new IllegalArgumentException("a string of " + stringLength() + " bytes cannot move to " + length + " bytes");
        }
        return withValue(storage);
    }

    /** An entry with the same value and a new expiry. */
    public Entry withExpiry(long newExpireAtMs) {
        Entry e = new Entry(type, value, newExpireAtMs, encoding, lastAccessMs);
        e.accessCount = accessCount;
        return e;
    }

    public ValueType type() {
        return type;
    }

    public Object value() {
        return value;
    }

    /**
     * The string payload; only for {@link ValueType#STRING}. Never modify it: a heap string is
     * shared, and a {@link RegionString} gives a fresh copy on every call.
     */
    public byte[] bytes() {
        return value instanceof RegionString r ? r.copy() : (byte[]) value;
    }

    /** The string payload's length without copying it; only for {@link ValueType#STRING}. */
    public int stringLength() {
        return value instanceof RegionString r ? r.length() : ((byte[]) value).length;
    }

    public long expireAtMs() {
        return expireAtMs;
    }

    public boolean hasExpiry() {
        return expireAtMs != NO_EXPIRY;
    }

    public boolean isExpired(long nowMs) {
        return expireAtMs != NO_EXPIRY && expireAtMs <= nowMs;
    }

    public StringEncoding encoding() {
        return encoding;
    }

    public void touch(long nowMs) {
        lastAccessMs = nowMs;
        if (accessCount < Integer.MAX_VALUE) {
            accessCount++;
        }
    }

    /** RESTORE ... IDLETIME / FREQ: the access statistics the dumped value had. */
    public void accessStatistics(long lastAccessMs, int accessCount) {
        this.lastAccessMs = lastAccessMs;
        this.accessCount = accessCount;
    }

    public long lastAccessMs() {
        return lastAccessMs;
    }

    public int accessCount() {
        return accessCount;
    }

    /** Approximate heap bytes of this entry and its value, every element counted. */
    public long memoryUsage() {
        return memoryUsage(0);
    }

    /**
     * Approximate heap bytes of this entry and its value, a collection's estimated from about
     * {@code samples} of its elements (0: all of them), for MEMORY USAGE.
     */
    public long memoryUsage(long samples) {
        long payload = value instanceof byte[] b ? 16 + b.length
            : value instanceof RegionString r ? 16 + r.length()
            : value instanceof MutableValue v ? v.memoryUsage(samples) : 64;
        return 40 + payload;
    }
}
