package dev.rkv.kvserver.store;

import dev.rkv.kvserver.util.Numbers;

/** OBJECT ENCODING of a string, computed the way Redis 7.0 chooses it. */
public enum StringEncoding {
    INT("int"),
    EMBSTR("embstr"),
    RAW("raw");

    /** Redis embeds strings up to this length in the object header. */
    private static final int EMBSTR_LIMIT = 44;

    private final String name;

    StringEncoding(String name) {
        this.name = name;
    }

    public String encodingName() {
        return name;
    }

    public static StringEncoding of(byte[] value) {
        if (value.length <= 20 && Numbers.parseLongStrict(value) != null) {
            return INT;
        }
        return value.length <= EMBSTR_LIMIT ? EMBSTR : RAW;
    }
}
