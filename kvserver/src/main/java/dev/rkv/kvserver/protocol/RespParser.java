package dev.rkv.kvserver.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental request parser: RESP multibulk ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) and inline
 * ({@code GET k\r\n}) commands, with the behaviour and error texts of Redis 7.0's
 * {@code processMultibulkBuffer} / {@code processInlineBuffer} ({@code networking.c}) and
 * {@code sdssplitargs} ({@code sds.c}).
 *
 * <p>An explicit state machine: every call consumes bytes from the caller's buffer and keeps any
 * partial command inside the parser, so the caller may compact or clear its buffer after
 * {@link Status#NEED_MORE}. Input that arrives one byte at a time parses to the same commands as
 * input that arrives at once (only the "too big" limits, which like Redis's are checked when the
 * input runs out, depend on how the input was split).
 *
 * <pre>
 *                 '*'                     n &gt; 0
 *  REQUEST_TYPE -------&gt; MULTIBULK_COUNT -------&gt; BULK_LENGTH --&gt; BULK_PAYLOAD --&gt; BULK_TRAILER
 *     |  ^  ^                  | n &lt;= 0                ^                              |
 *     |  |  +------------------+                       +------ more arguments --------+
 *     |  +------------------- COMMAND ----------------------------------------------- +
 *     | other byte
 *     +--------&gt; INLINE_LINE --'\n'--&gt; COMMAND (or skipped when blank)
 *  NUL inside a header or inline line --&gt; STALLED --more than maxInlineLen bytes--&gt; FAILED
 *  any protocol error --&gt; FAILED (until reset())
 * </pre>
 *
 * <p>Redis quirks are kept, so that the server answers byte for byte as Redis 7.0 does: the two
 * bytes after a bulk payload are skipped without checking that they are {@code \r\n}; the byte
 * after the {@code \r} of a header line is skipped whatever it is; and a NUL byte before the end of
 * a header or inline line stalls the request, because Redis looks for the line end with
 * {@code strchr}, which stops at NUL: the bytes that follow are discarded until there are more than
 * {@code maxInlineLen} of them, then the "too big" error of that line is reported.
 *
 * <p>Not thread-safe: one parser per connection, used by the thread that owns the connection.
 */
public final class RespParser {

    /** Result of {@link #parse(ByteBuffer)}. */
    public enum Status {
        /** A whole command is ready in {@link #command()}. */
        COMMAND,
        /** All input was consumed and the command in progress is incomplete. */
        NEED_MORE,
        /** A protocol error; {@link #error()} holds the message; the parser stays failed until {@link #reset()}. */
        ERROR
    }

    private enum State {
        /** Between commands: the next byte selects multibulk ({@code '*'}) or inline. */
        REQUEST_TYPE,
        /** Reading an inline request up to {@code '\n'}. */
        INLINE_LINE,
        /** Reading the {@code *<count>\r\n} line. */
        MULTIBULK_COUNT,
        /** Reading a {@code $<len>\r\n} line. */
        BULK_LENGTH,
        /** Reading the bytes of a bulk argument. */
        BULK_PAYLOAD,
        /** Skipping the two bytes after a bulk payload. */
        BULK_TRAILER,
        /** A NUL hid the end of a header or inline line: discard input until the "too big" limit. */
        STALLED,
        /** A protocol error was reported; only {@link #reset()} leaves this state. */
        FAILED
    }

    /** Multibulk count allowed before AUTH (Redis 7.0 {@code authRequired} check). */
    static final int UNAUTHENTICATED_MAX_MULTIBULK = 10;
    /** Bulk length allowed before AUTH. */
    static final int UNAUTHENTICATED_MAX_BULK = 16384;
    /** Bulks up to this size are allocated whole; larger ones grow as their bytes arrive. */
    static final int BULK_INITIAL_ALLOCATION = 64 * 1024;
    /** How much a large bulk's buffer grows at a time as its bytes arrive. */
    static final int BULK_GROWTH = 4;
    /** argv slots allocated up front for a multibulk, as Redis does; grown as arguments arrive. */
    static final int ARGV_INITIAL_ALLOCATION = 1024;
    /** Redis's {@code LONG_STR_SIZE}: a number string of this length or more is invalid. */
    private static final int LONG_STR_SIZE = 21;
    /** Inline line buffer: initial capacity, and the capacity it shrinks back to after a long line. */
    private static final int INLINE_BUFFER_SIZE = 256;
    private static final int INLINE_BUFFER_KEEP = 64 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private static final String ERR_INVALID_MULTIBULK = "Protocol error: invalid multibulk length";
    private static final String ERR_INVALID_BULK = "Protocol error: invalid bulk length";
    private static final String ERR_TOO_BIG_MBULK = "Protocol error: too big mbulk count string";
    private static final String ERR_TOO_BIG_BULK = "Protocol error: too big bulk count string";
    private static final String ERR_TOO_BIG_INLINE = "Protocol error: too big inline request";
    private static final String ERR_UNBALANCED = "Protocol error: unbalanced quotes in request";
    private static final String ERR_UNAUTH_MBULK = "Protocol error: unauthenticated multibulk length";
    private static final String ERR_UNAUTH_BULK = "Protocol error: unauthenticated bulk length";

    private final ProtocolLimits limits;
    private boolean authenticated = true;
    private State state = State.REQUEST_TYPE;

    // Header line ("*<count>" or "$<len>"): its first bytes, its length without the '\r', and
    // whether the '\r' was seen (the byte after it ends the line).
    private final byte[] header = new byte[LONG_STR_SIZE + 2];
    private int headerLen;
    private boolean headerCr;

    // Multibulk in progress.
    private byte[][] argv;
    private int argc;
    private int argvTarget;

    // Bulk in progress.
    private byte[] bulk;
    private int bulkLen;
    private int bulkFilled;
    private int trailerLeft;

    // Inline line in progress, and scratch space for splitting it.
    private byte[] line = new byte[INLINE_BUFFER_SIZE];
    private int lineLen;
    private byte[] token = new byte[INLINE_BUFFER_SIZE];
    private final List<byte[]> tokens = new ArrayList<>();

    // Stalled line: bytes counted since the line began, and the error to report past the limit.
    private long stalledBytes;
    private String stalledError;

    private long pendingBytes;
    private byte[][] command;
    private boolean lastWasInline;
    private String error;

    public RespParser(ProtocolLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        this.limits = limits;
    }

    public ProtocolLimits limits() {
        return limits;
    }

    /**
     * Redis 7 limits unauthenticated clients: a multibulk of more than 10 arguments fails with
     * "Protocol error: unauthenticated multibulk length", a bulk of more than 16384 bytes with
     * "Protocol error: unauthenticated bulk length". Default: authenticated.
     */
    public void authenticated(boolean authenticated) {
        this.authenticated = authenticated;
    }

    public boolean authenticated() {
        return authenticated;
    }

    /**
     * Parses from {@code in} (read mode), advancing {@code in.position()} past every byte consumed.
     * Stops after one command, leaving the rest of {@code in} for the next call.
     *
     * <ul>
     *   <li>{@link Status#COMMAND}: a whole command is ready in {@link #command()}.</li>
     *   <li>{@link Status#NEED_MORE}: all of {@code in} was consumed, the command is incomplete; partial
     *       state is kept here, so the caller may compact or clear its buffer.</li>
     *   <li>{@link Status#ERROR}: {@link #error()} holds the message without the {@code "ERR "} prefix; the
     *       caller replies {@code -ERR <msg>} and closes. The parser consumes nothing more until
     *       {@link #reset()}.</li>
     * </ul>
     * Blank inline lines and multibulks of length &lt;= 0 are skipped silently, as Redis does.
     */
    public Status parse(ByteBuffer in) {
        while (true) {
            switch (state) {
                case REQUEST_TYPE:
                    if (!in.hasRemaining()) {
                        return Status.NEED_MORE;
                    }
                    if (in.get(in.position()) == '*') {
                        startHeader(State.MULTIBULK_COUNT);
                    } else {
                        lineLen = 0;
                        state = State.INLINE_LINE;
                    }
                    break;
                case INLINE_LINE: {
                    Status s = parseInline(in);
                    if (s != null) {
                        return s;
                    }
                    break;
                }
                case MULTIBULK_COUNT:
                    if (!readHeaderLine(in, ERR_TOO_BIG_MBULK)) {
                        if (state == State.STALLED) {
                            break;
                        }
                        return headerIncomplete(ERR_TOO_BIG_MBULK);
                    }
                    if (!multibulkCount()) {
                        return Status.ERROR;
                    }
                    break;
                case BULK_LENGTH:
                    if (!readHeaderLine(in, ERR_TOO_BIG_BULK)) {
                        if (state == State.STALLED) {
                            break;
                        }
                        return headerIncomplete(ERR_TOO_BIG_BULK);
                    }
                    if (!bulkLength(in)) {
                        return Status.ERROR;
                    }
                    break;
                case BULK_PAYLOAD:
                    if (!readPayload(in)) {
                        return Status.NEED_MORE;
                    }
                    break;
                case BULK_TRAILER:
                    if (!skipTrailer(in)) {
                        return Status.NEED_MORE;
                    }
                    if (argc == argvTarget) {
                        return finishCommand(argv, false);
                    }
                    startHeader(State.BULK_LENGTH);
                    break;
                case STALLED: {
                    int n = in.remaining();
                    in.position(in.limit());
                    stalledBytes += n;
                    pendingBytes += n;
                    if (stalledBytes > limits.maxInlineLen()) {
                        return fail(stalledError);
                    }
                    return Status.NEED_MORE;
                }
                case FAILED:
                    return Status.ERROR;
                default:
                    throw new IllegalStateException("unknown state " + state);
            }
        }
    }

    /** argv of the last {@link Status#COMMAND}; a fresh array per command, so callers may keep it. */
    public byte[][] command() {
        return command;
    }

    /** Whether the last command arrived as an inline request. */
    public boolean lastWasInline() {
        return lastWasInline;
    }

    /** The protocol error message after {@link Status#ERROR} (without "ERR "), otherwise null. */
    public String error() {
        return error;
    }

    /** Forgets any partial command and error; the parser is ready for a new stream. */
    public void reset() {
        state = State.REQUEST_TYPE;
        headerLen = 0;
        headerCr = false;
        argv = null;
        argc = 0;
        argvTarget = 0;
        bulk = null;
        bulkLen = 0;
        bulkFilled = 0;
        trailerLeft = 0;
        stalledBytes = 0;
        stalledError = null;
        lineLen = 0;
        shrinkInlineBuffers();
        tokens.clear();
        pendingBytes = 0;
        command = null;
        lastWasInline = false;
        error = null;
    }

    /**
     * Bytes consumed for the command in progress (header lines, arguments and partial argument
     * received so far); 0 between commands. Lets the caller enforce client-query-buffer-limit.
     */
    public long pendingBytes() {
        return pendingBytes;
    }

    /** Capacity held for the bulk in progress (tests check that lengths alone allocate little). */
    int bulkCapacity() {
        return bulk == null ? 0 : bulk.length;
    }

    // ------------------------------------------------------------------ multibulk

    private void startHeader(State headerState) {
        headerLen = 0;
        headerCr = false;
        state = headerState;
    }

    /**
     * Consumes bytes of a header line; true once the line and the byte after its {@code '\r'}
     * (normally {@code '\n'}, skipped whatever it is, as Redis does) are consumed. A NUL before the
     * {@code '\r'} switches to {@link State#STALLED} and returns false.
     */
    private boolean readHeaderLine(ByteBuffer in, String tooBig) {
        int pos = in.position();
        int limit = in.limit();
        int start = pos;
        boolean done = false;
        while (pos < limit) {
            byte b = in.get(pos++);
            if (headerCr) {
                done = true;
                break;
            }
            if (b == '\r') {
                headerCr = true;
            } else if (b == 0) {
                pos--;
                stall(headerLen, tooBig);
                break;
            } else {
                if (headerLen < header.length) {
                    header[headerLen] = b;
                }
                headerLen++;
            }
        }
        in.position(pos);
        pendingBytes += pos - start;
        return done;
    }

    /** A NUL hides the line end from Redis: count the line so far and discard what follows. */
    private void stall(long lineBytesSoFar, String tooBig) {
        stalledBytes = lineBytesSoFar;
        stalledError = tooBig;
        state = State.STALLED;
    }

    /** All input consumed inside a header line: error if the line is already too long, else wait. */
    private Status headerIncomplete(String tooBig) {
        if (!headerCr && headerLen > limits.maxInlineLen()) {
            return fail(tooBig);
        }
        return Status.NEED_MORE;
    }

    /** Handles a complete {@code *<count>} line; false after a protocol error. */
    private boolean multibulkCount() {
        long count = parseHeaderNumber();
        if (!numberOk || count > limits.maxMultibulkLen()) {
            fail(ERR_INVALID_MULTIBULK);
            return false;
        }
        if (count > UNAUTHENTICATED_MAX_MULTIBULK && !authenticated) {
            fail(ERR_UNAUTH_MBULK);
            return false;
        }
        if (count <= 0) {
            // Redis ignores empty and null multibulks.
            pendingBytes = 0;
            state = State.REQUEST_TYPE;
            return true;
        }
        argvTarget = (int) count;
        argv = new byte[Math.min(argvTarget, ARGV_INITIAL_ALLOCATION)][];
        argc = 0;
        startHeader(State.BULK_LENGTH);
        return true;
    }

    /** Handles a complete {@code $<len>} line; false after a protocol error. */
    private boolean bulkLength(ByteBuffer in) {
        if (headerLen == 0 || header[0] != '$') {
            // The line's first byte; an empty line starts with its '\r'. Redis maps \r and \n to spaces.
            int first = headerLen == 0 ? '\r' : header[0] & 0xFF;
            char shown = first == '\r' || first == '\n' ? ' ' : (char) first;
            fail("Protocol error: expected '$', got '" + shown + "'");
            return false;
        }
        long len = parseHeaderNumber();
        if (!numberOk || len < 0 || len > limits.protoMaxBulkLen()) {
            fail(ERR_INVALID_BULK);
            return false;
        }
        if (len > UNAUTHENTICATED_MAX_BULK && !authenticated) {
            fail(ERR_UNAUTH_BULK);
            return false;
        }
        bulkLen = (int) len;
        bulkFilled = 0;
        if (bulkLen == 0) {
            bulk = EMPTY;
        } else if (bulkLen <= BULK_INITIAL_ALLOCATION || in.remaining() >= bulkLen) {
            // Small, or every byte is already here: the only allocation is the argument itself.
            bulk = new byte[bulkLen];
        } else {
            // Never trust a large length before its bytes arrive: grow as they do.
            bulk = new byte[Math.max(BULK_INITIAL_ALLOCATION, in.remaining())];
        }
        state = State.BULK_PAYLOAD;
        return true;
    }

    /** Copies payload bytes; true once the whole bulk is in. */
    private boolean readPayload(ByteBuffer in) {
        int want = bulkLen - bulkFilled;
        int n = Math.min(want, in.remaining());
        if (n > 0) {
            if (bulkFilled + n > bulk.length) {
                // Four times over, and straight to the whole length once that is within reach: a
                // 1 MB value is copied again only in part (64 KB + 256 KB when it arrives 64 KB at
                // a time, 256 KB when 256 KB at a time) rather than nearly whole (doubling copies
                // 960 KB), while what a client may make us hold stays bounded by what it sent
                // (at most 2 * BULK_GROWTH times).
                long grown = Math.max((long) bulk.length * BULK_GROWTH, (long) bulkFilled + n);
                if (grown * 2 >= bulkLen) {
                    grown = bulkLen;
                }
                bulk = Arrays.copyOf(bulk, (int) Math.min(grown, bulkLen));
            }
            in.get(bulk, bulkFilled, n);
            bulkFilled += n;
            pendingBytes += n;
        }
        if (bulkFilled < bulkLen) {
            return false;
        }
        if (argc == argv.length) {
            argv = Arrays.copyOf(argv, (int) Math.min((long) argv.length * 2, argvTarget));
        }
        argv[argc++] = bulk;
        bulk = null;
        trailerLeft = 2;
        state = State.BULK_TRAILER;
        return true;
    }

    /** Skips the two bytes after a payload (Redis does not check that they are "\r\n"). */
    private boolean skipTrailer(ByteBuffer in) {
        int n = Math.min(trailerLeft, in.remaining());
        in.position(in.position() + n);
        trailerLeft -= n;
        pendingBytes += n;
        return trailerLeft == 0;
    }

    /** Whether the last {@link #parseHeaderNumber()} saw a valid number. */
    private boolean numberOk;

    /**
     * Redis's {@code string2ll} over the header line after its type byte: optional '-', no '+',
     * no leading zeros, no spaces, fewer than 21 characters, within the range of a long. Sets
     * {@link #numberOk}; the result is meaningful only when it is true.
     */
    private long parseHeaderNumber() {
        numberOk = false;
        int len = headerLen - 1;
        if (len <= 0 || len >= LONG_STR_SIZE) {
            return 0;
        }
        int p = 1;
        int end = headerLen;
        if (len == 1 && header[1] == '0') {
            numberOk = true;
            return 0;
        }
        boolean negative = false;
        if (header[p] == '-') {
            negative = true;
            p++;
            if (p == end) {
                return 0;
            }
        }
        if (header[p] < '1' || header[p] > '9') {
            return 0;
        }
        long v = 0; // accumulated negatively so that Long.MIN_VALUE fits
        for (; p < end; p++) {
            int d = header[p] - '0';
            if (d < 0 || d > 9) {
                return 0;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return 0;
            }
            v = v * 10 - d;
        }
        if (negative) {
            numberOk = true;
            return v;
        }
        if (v == Long.MIN_VALUE) {
            return 0;
        }
        numberOk = true;
        return -v;
    }

    // ------------------------------------------------------------------ inline

    /** Reads an inline line; returns a status to report, or null to keep going (blank line skipped). */
    private Status parseInline(ByteBuffer in) {
        int pos = in.position();
        int limit = in.limit();
        int newline = -1;
        for (int i = pos; i < limit; i++) {
            byte b = in.get(i);
            if (b == '\n') {
                newline = i;
                break;
            }
            if (b == 0) {
                in.position(i);
                pendingBytes = lineLen + (i - pos);
                stall(pendingBytes, ERR_TOO_BIG_INLINE);
                return null;
            }
        }
        int end = newline < 0 ? limit : newline;
        byte[][] args;
        if (lineLen == 0 && newline >= 0 && in.hasArray()) {
            // Whole line in a heap buffer: split it where it lies.
            int off = in.arrayOffset() + pos;
            int len = end - pos;
            if (len > 0 && in.array()[off + len - 1] == '\r') {
                len--;
            }
            args = splitArgs(in.array(), off, len);
        } else {
            appendLine(in, pos, end);
            if (newline < 0) {
                in.position(limit);
                pendingBytes = lineLen;
                if (lineLen > limits.maxInlineLen()) {
                    return fail(ERR_TOO_BIG_INLINE);
                }
                return Status.NEED_MORE;
            }
            int len = lineLen;
            if (len > 0 && line[len - 1] == '\r') {
                len--;
            }
            args = splitArgs(line, 0, len);
        }
        in.position(newline + 1);
        lineLen = 0;
        if (line.length > INLINE_BUFFER_KEEP) {
            line = new byte[INLINE_BUFFER_SIZE];
        }
        if (args == null) {
            return fail(ERR_UNBALANCED);
        }
        if (args.length == 0) {
            pendingBytes = 0;
            state = State.REQUEST_TYPE;
            return null;
        }
        return finishCommand(args, true);
    }

    private void appendLine(ByteBuffer in, int from, int to) {
        int n = to - from;
        if (n == 0) {
            return;
        }
        if (lineLen + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
        }
        in.get(from, line, lineLen, n);
        lineLen += n;
    }

    /**
     * Redis's {@code sdssplitargs}: blanks separate arguments; "double quotes" take \n \r \t \b \a
     * \xHH and \&lt;any&gt; escapes, 'single quotes' only \'; a closing quote must be followed by a
     * blank or the end of the line. Returns null for unbalanced quotes.
     */
    private byte[][] splitArgs(byte[] s, int off, int len) {
        tokens.clear();
        int p = off;
        int end = off + len;
        while (true) {
            while (p < end && isSpace(s[p])) {
                p++;
            }
            if (p >= end) {
                byte[][] out = tokens.toArray(new byte[0][]);
                tokens.clear();
                return out;
            }
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            int tokenLen = 0;
            while (!done) {
                int c = p < end ? s[p] & 0xFF : -1; // -1: end of line (C's terminating NUL)
                if (inDouble) {
                    if (c == '\\' && at(s, p + 1, end) == 'x'
                            && isHex(at(s, p + 2, end)) && isHex(at(s, p + 3, end))) {
                        tokenLen = put(tokenLen, (hex(s[p + 2]) << 4) | hex(s[p + 3]));
                        p += 3;
                    } else if (c == '\\' && p + 1 < end) {
                        p++;
                        int e = s[p] & 0xFF;
                        switch (e) {
                            case 'n': e = '\n'; break;
                            case 'r': e = '\r'; break;
                            case 't': e = '\t'; break;
                            case 'b': e = '\b'; break;
                            case 'a': e = 7; break;
                            default: break;
                        }
                        tokenLen = put(tokenLen, e);
                    } else if (c == '"') {
                        if (p + 1 < end && !isSpace(s[p + 1])) {
                            return unbalanced();
                        }
                        done = true;
                    } else if (c < 0) {
                        return unbalanced();
                    } else {
                        tokenLen = put(tokenLen, c);
                    }
                } else if (inSingle) {
                    if (c == '\\' && at(s, p + 1, end) == '\'') {
                        p++;
                        tokenLen = put(tokenLen, '\'');
                    } else if (c == '\'') {
                        if (p + 1 < end && !isSpace(s[p + 1])) {
                            return unbalanced();
                        }
                        done = true;
                    } else if (c < 0) {
                        return unbalanced();
                    } else {
                        tokenLen = put(tokenLen, c);
                    }
                } else {
                    switch (c) {
                        case ' ':
                        case '\n':
                        case '\r':
                        case '\t':
                        case -1:
                            done = true;
                            break;
                        case '"':
                            inDouble = true;
                            break;
                        case '\'':
                            inSingle = true;
                            break;
                        default:
                            tokenLen = put(tokenLen, c);
                            break;
                    }
                }
                if (p < end) {
                    p++;
                }
            }
            tokens.add(tokenLen == 0 ? EMPTY : Arrays.copyOf(token, tokenLen));
        }
    }

    private byte[][] unbalanced() {
        tokens.clear();
        return null;
    }

    private int put(int tokenLen, int b) {
        if (tokenLen == token.length) {
            token = Arrays.copyOf(token, token.length * 2);
        }
        token[tokenLen] = (byte) b;
        return tokenLen + 1;
    }

    private static int at(byte[] s, int i, int end) {
        return i < end ? s[i] & 0xFF : -1;
    }

    /** C's isspace in the C locale. */
    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == 0x0B || b == '\f' || b == '\r';
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(byte c) {
        if (c <= '9') {
            return c - '0';
        }
        return (c | 0x20) - 'a' + 10;
    }

    private void shrinkInlineBuffers() {
        if (line.length > INLINE_BUFFER_KEEP) {
            line = new byte[INLINE_BUFFER_SIZE];
        }
        if (token.length > INLINE_BUFFER_KEEP) {
            token = new byte[INLINE_BUFFER_SIZE];
        }
    }

    // ------------------------------------------------------------------ results

    private Status finishCommand(byte[][] args, boolean inline) {
        command = args;
        lastWasInline = inline;
        argv = null;
        argc = 0;
        argvTarget = 0;
        pendingBytes = 0;
        if (inline) {
            shrinkInlineBuffers();
        }
        state = State.REQUEST_TYPE;
        return Status.COMMAND;
    }

    private Status fail(String message) {
        error = message;
        state = State.FAILED;
        return Status.ERROR;
    }
}
