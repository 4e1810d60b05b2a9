package dev.rkv.primary;

import dev.rkv.table.layout.SlotDescriptor;

/**
 * How a server key maps to a table key: one byte of database number, then the key's bytes.
 * The table has no database field, so the number travels in the key; a replica strips it.
 *
 * <pre>
 *   table key = [ db (u8) | key bytes ... ]     at most 65,535 bytes in all
 * </pre>
 */
public final class TableKeys {
    /** Databases a table can tell apart. */
    public static final int MAX_DATABASES = 256;
    /** Longest server key a table holds (one byte goes to the database number). */
    public static final int MAX_KEY_LENGTH = SlotDescriptor.MAX_KEY_LENGTH - 1;

    private TableKeys() {
    }

    public static byte[] encode(int db, byte[] key) {
        byte[] out = new byte[key.length + 1];
        out[0] = (byte) db;
        System.arraycopy(key, 0, out, 1, key.length);
        return out;
    }
}
