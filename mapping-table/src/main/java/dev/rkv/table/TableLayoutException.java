package dev.rkv.table;

/**
 * A geometry or header that breaks a layout limit. The message names the limit and the
 * value, e.g. {@code "slot size of class 3 must be a multiple of 8, was 100"}.
 */
public final class TableLayoutException extends IllegalArgumentException {

    public TableLayoutException(String message) {
        super(message);
    }
}
