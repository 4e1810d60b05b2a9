package dev.rkv.benchmark;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Counts complete RESP2 replies in a stream without keeping them: the load generator needs to
 * know how many replies have arrived and which were errors, not their contents.
 *
 * <p>An explicit state machine that consumes every byte it is given and keeps a partial reply
 * inside itself, so replies may be split across reads anywhere, and a bulk larger than the read
 * buffer is skipped as it arrives.
 *
 * <pre>
 *          '+' ':' '-' '$' '*'              CR          LF
 *   TYPE ----------------------&gt; LINE ----------&gt; LINE_LF ----&gt; line done:
 *     ^                                                           '+' ':' '-'  --&gt; reply done
 *     |                                                           '$' -1, '*' -1 or 0 --&gt; reply done
 *     |                                                           '*' n    --&gt; push n elements, TYPE
 *     |                                 len bytes                 '$' len  --&gt; BULK
 *     |   reply done &lt;-- BULK_LF &lt;-- BULK_CR &lt;----------- BULK
 *     +-- (an element of an array ends its reply only when it is the last of the outermost array)
 *   anything unexpected --&gt; a {@link ProtocolException}; the scanner is not usable after it
 * </pre>
 *
 * <p>Only top-level replies are counted: an error nested in an array (an EXEC result) is an
 * element, not an error reply, as in redis-benchmark. RESP3 types are not accepted: the load
 * generator never sends HELLO 3.
 */
final class ReplyScanner {

    /** Arrays nested deeper than this are a protocol error (redis-benchmark's replies nest at most 2). */
    static final int MAX_DEPTH = 64;
    /** Digits of a length line: a longer one is a protocol error. */
    static final int MAX_NUMBER_DIGITS = 19;
    /** Bytes of an error message kept for the report. */
    static final int MAX_ERROR_MESSAGE = 256;

    private enum State { TYPE, LINE, LINE_LF, BULK, BULK_CR, BULK_LF }

    private State state = State.TYPE;
    /** The type byte of the line being read. */
    private byte type;
    private long number;
    private boolean negative;
    private int digits;
    /** Bulk bytes still to skip. */
    private long bulkRemaining;
    /** Elements still expected at each open array level. */
    private final long[] remaining = new long[MAX_DEPTH];
    private int depth;

    private final byte[] errorBytes = new byte[MAX_ERROR_MESSAGE];
    private int errorLength;
    private long errors;
    private String firstError;

    /**
     * Consumes all of {@code src} (position to limit).
     *
     * @return how many top-level replies were completed by these bytes
     * @throws ProtocolException the bytes are not RESP2 replies
     */
    int scan(ByteBuffer src) throws ProtocolException {
        int completed = 0;
        int i = src.position();
        int limit = src.limit();
        while (i < limit) {
            switch (state) {
                case TYPE -> {
                    type = src.get(i++);
                    switch (type) {
                        case '+', ':', '-', '$', '*' -> {
                            number = 0;
                            negative = false;
                            digits = 0;
                            errorLength = 0;
                            state = State.LINE;
                        }
                        default -> throw new ProtocolException("unexpected reply type byte " + printable(type)
                            + " (rkv benchmark reads RESP2 replies)");
                    }
                }
                case LINE -> {
                    // Fast skip of a status or integer line, the common case.
                    byte b = src.get(i++);
                    if (b == '\r') {
                        state = State.LINE_LF;
                    } else if (type == '$' || type == '*') {
                        lengthDigit(b);
                    } else if (type == '-' && depth == 0 && errorLength < errorBytes.length) {
                        errorBytes[errorLength++] = b;
                    }
                }
                case LINE_LF -> {
                    byte b = src.get(i++);
                    if (b != '\n') {
                        throw new ProtocolException("expected LF after CR in a reply line, got " + printable(b));
                    }
                    completed += lineDone();
                }
                case BULK -> {
                    int n = (int) Math.min(bulkRemaining, limit - i);
                    i += n;
                    bulkRemaining -= n;
                    if (bulkRemaining == 0) {
                        state = State.BULK_CR;
                    }
                }
                case BULK_CR -> {
                    byte b = src.get(i++);
                    if (b != '\r') {
                        throw new ProtocolException("expected CR after a bulk reply, got " + printable(b));
                    }
                    state = State.BULK_LF;
                }
                case BULK_LF -> {
                    byte b = src.get(i++);
                    if (b != '\n') {
                        throw new ProtocolException("expected LF after a bulk reply, got " + printable(b));
                    }
                    state = State.TYPE;
                    completed += elementDone();
                }
            }
        }
        src.position(limit);
        return completed;
    }

    /** Error replies seen so far. */
    long errors() {
        return errors;
    }

    /** The message of the first error reply, or null. */
    String firstError() {
        return firstError;
    }

    private void lengthDigit(byte b) throws ProtocolException {
        if (b == '-' && digits == 0 && !negative) {
            negative = true;
        } else if (b >= '0' && b <= '9' && digits < MAX_NUMBER_DIGITS) {
            number = number * 10 + (b - '0');
            digits++;
        } else {
            throw new ProtocolException("bad length in a '" + (char) type + "' reply line: byte " + printable(b));
        }
    }

    private int lineDone() throws ProtocolException {
        state = State.TYPE;
        switch (type) {
            case '-' -> {
                if (depth == 0) {
                    errors++;
                    if (firstError == null) {
                        firstError = new String(errorBytes, 0, errorLength, StandardCharsets.UTF_8);
                    }
                }
                return elementDone();
            }
            case '$' -> {
                long len = length();
                if (len < 0) {
                    return elementDone();
                }
                bulkRemaining = len;
                state = len == 0 ? State.BULK_CR : State.BULK;
                return 0;
            }
            case '*' -> {
                long n = length();
                if (n <= 0) {
                    return elementDone();
                }
                if (depth == MAX_DEPTH) {
                    throw new ProtocolException("arrays nested deeper than " + MAX_DEPTH);
                }
                remaining[depth++] = n;
                return 0;
            }
            default -> {
                return elementDone();
            }
        }
    }

    private long length() throws ProtocolException {
        if (digits == 0) {
            throw new ProtocolException("empty length in a '" + (char) type + "' reply line");
        }
        if (negative && number != 1) {
            throw new ProtocolException("negative length -" + number + " in a '" + (char) type + "' reply line");
        }
        return negative ? -1 : number;
    }

    /** One value ended: closes the arrays it completes; returns 1 when a top-level reply ended. */
    private int elementDone() {
        while (depth > 0) {
            if (--remaining[depth - 1] > 0) {
                return 0;
            }
            depth--;
        }
        return 1;
    }

    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("0x%02x", b & 0xff);
    }

    /** The server's bytes are not RESP2 replies. */
    static final class ProtocolException extends Exception {
        ProtocolException(String message) {
            super("protocol error: " + message);
        }
    }
}
