package dev.rkv.kvserver.store;

import dev.rkv.kvserver.util.Numbers;

/** OBJECT ENCODING of a string, computed the way Redis 7.0 chooses it. */
public enum StringEncoding {
    INT("int"),
    EMBSTR("embstr"),
    RAW("raw");

    /** Redis embeds strings up to this length in the object header. */
    private static final int EMBSTR_LIMIT = 44;
    /** The longest string that can read as a 64-bit integer ("-9223372036854775808"). */
    public static final int LONGEST_INT = 20;

    private final String name;

    StringEncoding(String name) {
        this.name = name;
    }

    public String encodingName() {
        return name;
    }

    public static StringEncoding of(byte[] value) {
        if (value.length <= LONGEST_INT && Numbers.parseLongStrict(value) != null) {
            return INT;
        }
        return ofLength(value.length);
    }

    /** The encoding of a string of {@code length} bytes that does not read as an integer. */
    public static StringEncoding ofLength(int length) {
        return length <= EMBSTR_LIMIT ? EMBSTR : RAW;
    }
}
