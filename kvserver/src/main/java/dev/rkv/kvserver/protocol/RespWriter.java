package dev.rkv.kvserver.protocol;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Encodes replies into a growable output buffer, RESP2 or RESP3 as chosen by {@link #protocol(int)}
 * (Redis's {@code addReply*} family in {@code networking.c}).
 *
 * <p>Small replies are appended to a chunk of {@value #CHUNK_SIZE} bytes; full chunks queue up in
 * order. A bulk of at least {@value #BIG_BULK} bytes is not copied: the writer keeps a reference to
 * the caller's array until it is written, so <b>the array must not change after it was passed to
 * {@link #bulk(byte[])}</b> (stored values are immutable, which is what makes this safe).
 * {@link #writeTo} hands the queue to the channel in one gathering write when it can.
 *
 * <p>Not thread-safe: one writer per connection.
 */
public final class RespWriter {

    /** Size of the chunks small replies are appended to. */
    static final int CHUNK_SIZE = 16 * 1024;
    /** Bulks at least this long are referenced, not copied. */
    static final int BIG_BULK = 16 * 1024;
    /**
     * Most bytes handed to one write. The JDK copies a heap buffer whole into a temporary direct
     * buffer before every write and keeps only what the socket took, so offering a 1 MB bulk to
     * a socket that takes 200 KB at a time would copy it again at every try; a window bounds the
     * copy to what a socket plausibly takes.
     */
    static final int WRITE_WINDOW = 256 * 1024;
    /** Most buffers handed to one gathering write. */
    private static final int MAX_GATHER = 64;

    private int protocol = 2;

    /**
     * Sealed buffers in read mode, in output order, all before the tail: slices of our chunks, and
     * caller arrays of big bulks (wrapped read-only). A chunk may hold several sealed slices and the
     * tail after them, so it is restarted from 0 only when the queue is empty.
     */
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    /** The chunk being appended to: bytes [tailStart, tailEnd) are pending, after everything queued. */
    private byte[] tail = new byte[CHUNK_SIZE];
    private int tailStart;
    private int tailEnd;
    private ByteBuffer tailView = ByteBuffer.wrap(tail);
    private long pending;
    private long encoded;
    private ByteBuffer[] gather = new ByteBuffer[8];

    public RespWriter() {
    }

    /** Selects RESP2 or RESP3 for the replies encoded from now on. */
    public void protocol(int version) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("protocol version " + version + " is not 2 or 3");
        }
        this.protocol = version;
    }

    public int protocol() {
        return protocol;
    }

    /** Told the code ("ERR", "WRONGTYPE" ...) of every error reply encoded, for INFO errorstats. */
    @FunctionalInterface
    public interface ErrorListener {
        void errorReply(String code);
    }

    private ErrorListener errorListener = code -> { };

    public void errorListener(ErrorListener l) {
        errorListener = l;
    }

    // ------------------------------------------------------------------ replies

    /** {@code +s\r\n}; \r and \n in {@code s} become spaces. */
    public RespWriter simple(String s) {
        putByte('+');
        putLineText(s);
        return putCrlf();
    }

    /**
     * {@code -msg\r\n}: {@code msg} starts with its code ({@code "ERR syntax error"}, {@code "WRONGTYPE ..."});
     * a leading '-' is not doubled. \r and \n become spaces, as Redis does.
     */
    public RespWriter error(String msg) {
        int start = !msg.isEmpty() && msg.charAt(0) == '-' ? 1 : 0;
        int space = msg.indexOf(' ', start);
        errorListener.errorReply(msg.substring(start, space < 0 ? msg.length() : space));
        if (start == 0) {
            putByte('-');
        }
        putLineText(msg);
        return putCrlf();
    }

    /** {@code :v\r\n}. */
    public RespWriter integer(long v) {
        return prefixed(':', v);
    }

    /** {@code $len\r\n<b>\r\n}; null gives {@link #nullBulk()}. Arrays of {@value #BIG_BULK}+ bytes are referenced. */
    public RespWriter bulk(byte[] b) {
        if (b == null) {
            return nullBulk();
        }
        return bulk(b, 0, b.length);
    }

    /** {@code $len\r\n<b[off..off+len)>\r\n}. Ranges of {@value #BIG_BULK}+ bytes are referenced, not copied. */
    public RespWriter bulk(byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new IndexOutOfBoundsException("bulk range [" + off + ", " + off + "+" + len + ") of " + b.length);
        }
        prefixed('$', len);
        if (len >= BIG_BULK) {
            enqueueReference(b, off, len);
        } else {
            putBytes(b, off, len);
        }
        return putCrlf();
    }

    /**
     * {@code $len\r\n<src[off..off+len)>\r\n}, copied with absolute gets (the buffer's position
     * is left alone): for values that live outside the heap.
     */
    public RespWriter bulk(ByteBuffer src, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, src.capacity());
        prefixed('$', len);
        while (len > 0) {
            ensure(1);
            int n = Math.min(len, tail.length - tailEnd);
            src.get(off, tail, tailEnd, n);
            tailEnd += n;
            pending += n;
            encoded += n;
            off += n;
            len -= n;
        }
        return putCrlf();
    }

    /** Like {@link #bulk(byte[], int, int)} but always copies: for arrays the caller will reuse or modify. */
    public RespWriter bulkCopy(byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new IndexOutOfBoundsException("bulk range [" + off + ", " + off + "+" + len + ") of " + b.length);
        }
        prefixed('$', len);
        putBytes(b, off, len);
        return putCrlf();
    }

    /** Bulk string of the UTF-8 bytes of {@code s}; null gives {@link #nullBulk()}. */
    public RespWriter bulk(String s) {
        if (s == null) {
            return nullBulk();
        }
        if (isAscii(s)) {
            prefixed('$', s.length());
            putAscii(s);
            return putCrlf();
        }
        return bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The decimal digits of {@code v} as a bulk string (Redis's addReplyBulkLongLong). */
    public RespWriter bulk(long v) {
        prefixed('$', stringSize(v));
        putLong(v);
        return putCrlf();
    }

    /** RESP2 {@code $-1\r\n}, RESP3 {@code _\r\n}. */
    public RespWriter nullBulk() {
        return raw(Replies.nullBulk(protocol));
    }

    /** RESP2 {@code *-1\r\n}, RESP3 {@code _\r\n}. */
    public RespWriter nullArray() {
        return raw(Replies.nullArray(protocol));
    }

    /** {@code *n\r\n}. */
    public RespWriter array(int n) {
        return prefixed('*', n);
    }

    /** RESP3 {@code %n\r\n}; RESP2 {@code *(2n)\r\n}. */
    public RespWriter map(int n) {
        return protocol == 2 ? prefixed('*', 2L * n) : prefixed('%', n);
    }

    /** RESP3 {@code ~n\r\n}; RESP2 {@code *n\r\n}. */
    public RespWriter set(int n) {
        return prefixed(protocol == 2 ? '*' : '~', n);
    }

    /** RESP3 {@code >n\r\n}; RESP2 {@code *n\r\n}. */
    public RespWriter push(int n) {
        return prefixed(protocol == 2 ? '*' : '>', n);
    }

    /**
     * Redis 7.0's addReplyDouble: RESP3 {@code ,<repr>\r\n}, RESP2 a bulk string, where repr is
     * C's {@code "%.17g"} ({@code 3.0 -> "3"}, {@code 0.1 -> "0.10000000000000001"},
     * {@code 1e300 -> "1.0000000000000001e+300"}) and infinities are {@code inf} / {@code -inf}.
     * (Redis 7.2 switched to the shortest round-trip form; 7.0 is the reference here.)
     */
    public RespWriter doubleValue(double d) {
        String repr = formatDouble(d);
        if (protocol == 2) {
            return bulk(repr);
        }
        putByte(',');
        putAscii(repr);
        return putCrlf();
    }

    /** RESP3 {@code #t\r\n} / {@code #f\r\n}; RESP2 {@code :1\r\n} / {@code :0\r\n}. */
    public RespWriter bool(boolean b) {
        if (protocol == 2) {
            return raw(b ? Replies.ONE : Replies.ZERO);
        }
        return raw(b ? Replies.TRUE_3 : Replies.FALSE_3);
    }

    /** RESP3 {@code =len\r\ntxt:text\r\n}; RESP2 a bulk string of {@code text}. */
    public RespWriter verbatim(String text) {
        return verbatim(text, "txt");
    }

    /** RESP3 verbatim string with a three-letter format ({@code "txt"}, {@code "mkd"}); RESP2 a bulk string. */
    public RespWriter verbatim(String text, String format) {
        if (format.length() != 3 || !isAscii(format)) {
            throw new IllegalArgumentException("verbatim format '" + format + "' is not 3 ASCII characters");
        }
        if (protocol == 2) {
            return bulk(text);
        }
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        prefixed('=', body.length + 4L);
        putAscii(format);
        putByte(':');
        putBytes(body, 0, body.length);
        return putCrlf();
    }

    /** Appends pre-encoded protocol bytes ({@link Replies}) as they are. */
    public RespWriter raw(byte[] preEncoded) {
        if (preEncoded.length > 0 && preEncoded[0] == '-') {
            int end = 1;
            while (end < preEncoded.length && preEncoded[end] != ' ' && preEncoded[end] != '\r') {
                end++;
            }
            errorListener.errorReply(new String(preEncoded, 1, end - 1, StandardCharsets.US_ASCII));
        }
        putBytes(preEncoded, 0, preEncoded.length);
        return this;
    }

    // ------------------------------------------------------------------ output

    /**
     * Bytes encoded since this writer was made (never decreases, also after {@link #clear}): a
     * caller compares two readings to learn whether anything was appended in between.
     */
    public long encoded() {
        return encoded;
    }

    /** Bytes encoded and not yet written to the channel (for client-output-buffer-limit). */
    public long pending() {
        return pending;
    }

    /**
     * Writes as much as the channel takes, in order; true when everything pending was written.
     * Uses one gathering write for queued chunks when the channel supports it.
     */
    public boolean writeTo(WritableByteChannel ch) throws IOException {
        while (pending > 0) {
            long written;
            if (queue.isEmpty()) {
                tailView.limit(tailEnd).position(tailStart);
                written = ch.write(tailView);
                tailStart += (int) written;
            } else if (ch instanceof GatheringByteChannel) {
                written = gatherWrite((GatheringByteChannel) ch);
            } else {
                written = writeHead(ch);
            }
            pending -= written;
            if (written == 0) {
                break;
            }
        }
        if (tailStart == tailEnd && queue.isEmpty()) {
            tailStart = 0;
            tailEnd = 0;
        }
        return pending == 0;
    }

    /** Drops everything pending. */
    public void clear() {
        queue.clear();
        tailStart = 0;
        tailEnd = 0;
        pending = 0;
    }

    private long gatherWrite(GatheringByteChannel ch) throws IOException {
        int n = 0;
        long offered = 0;
        ByteBuffer cut = null;
        int cutLimit = 0;
        for (ByteBuffer b : queue) {
            if (n == MAX_GATHER || offered >= WRITE_WINDOW) {
                break;
            }
            if (offered + b.remaining() > WRITE_WINDOW) {
                // Offer only the window's worth of a big bulk (see WRITE_WINDOW); its limit is
                // put back after the write.
                cut = b;
                cutLimit = b.limit();
                b.limit(b.position() + (int) (WRITE_WINDOW - offered));
            }
            if (n == gather.length) {
                gather = Arrays.copyOf(gather, gather.length * 2);
            }
            gather[n++] = b;
            offered += b.remaining();
        }
        boolean withTail = n == queue.size() && n < MAX_GATHER && offered < WRITE_WINDOW && tailEnd > tailStart;
        int total = n;
        if (withTail) {
            if (total == gather.length) {
                gather = Arrays.copyOf(gather, gather.length * 2);
            }
            tailView.limit(tailEnd).position(tailStart);
            gather[total++] = tailView;
        }
        long written;
        try {
            written = ch.write(gather, 0, total);
        } finally {
            if (cut != null) {
                cut.limit(cutLimit);
            }
            Arrays.fill(gather, 0, total, null);
        }
        while (!queue.isEmpty() && !queue.peekFirst().hasRemaining()) {
            queue.pollFirst();
        }
        if (withTail) {
            tailStart = tailView.position();
        }
        return written;
    }

    /** Writes the head of the queue to a channel that takes one buffer at a time, a window at most. */
    private long writeHead(WritableByteChannel ch) throws IOException {
        ByteBuffer head = queue.peekFirst();
        int limit = head.limit();
        if (head.remaining() > WRITE_WINDOW) {
            head.limit(head.position() + WRITE_WINDOW);
        }
        long written;
        try {
            written = ch.write(head);
        } finally {
            head.limit(limit);
        }
        if (!head.hasRemaining()) {
            queue.pollFirst();
        }
        return written;
    }

    // ------------------------------------------------------------------ encoding

    /** Formats {@code d} as C's {@code printf("%.17g")} (glibc), with Redis's "inf" / "-inf". */
    public static String formatDouble(double d) {
        if (Double.isNaN(d)) {
            return Double.doubleToRawLongBits(d) < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return Double.doubleToRawLongBits(d) < 0 ? "-0" : "0";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e17) {
            // An integer below 10^17 has at most 17 digits: %.17g prints it exactly, without a point.
            return Long.toString((long) d);
        }
        BigDecimal rounded = new BigDecimal(d).round(new MathContext(17, RoundingMode.HALF_EVEN));
        String digits = rounded.unscaledValue().abs().toString();
        int exponent = digits.length() - rounded.scale() - 1;
        int significant = digits.length();
        while (significant > 1 && digits.charAt(significant - 1) == '0') {
            significant--;
        }
        digits = digits.substring(0, significant);
        StringBuilder sb = new StringBuilder(32);
        if (d < 0) {
            sb.append('-');
        }
        if (exponent < -4 || exponent >= 17) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                sb.append('0');
            }
            sb.append(abs);
        } else if (exponent >= 0) {
            if (digits.length() <= exponent + 1) {
                sb.append(digits);
                for (int i = digits.length(); i <= exponent; i++) {
                    sb.append('0');
                }
            } else {
                sb.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
            }
        } else {
            sb.append("0.");
            for (int i = -1; i > exponent; i--) {
                sb.append('0');
            }
            sb.append(digits);
        }
        return sb.toString();
    }

    private RespWriter prefixed(char prefix, long v) {
        ensure(22);
        tail[tailEnd++] = (byte) prefix;
        pending++;
        putLong(v);
        return putCrlf();
    }

    private RespWriter putCrlf() {
        ensure(2);
        tail[tailEnd++] = '\r';
        tail[tailEnd++] = '\n';
        pending += 2;
        encoded += 2;
        return this;
    }

    private void putByte(int b) {
        ensure(1);
        tail[tailEnd++] = (byte) b;
        pending++;
    }

    private void putBytes(byte[] b, int off, int len) {
        while (len > 0) {
            ensure(1);
            int n = Math.min(len, tail.length - tailEnd);
            System.arraycopy(b, off, tail, tailEnd, n);
            tailEnd += n;
            pending += n;
            encoded += n;
            off += n;
            len -= n;
        }
    }

    /** Writes the decimal digits of v. */
    private void putLong(long v) {
        int size = stringSize(v);
        ensure(size);
        int end = tailEnd + size;
        int p = end;
        if (v < 0) {
            tail[tailEnd] = '-';
            // Work with negative values so Long.MIN_VALUE needs no special case.
        } else {
            v = -v;
        }
        do {
            tail[--p] = (byte) ('0' - (v % 10));
            v /= 10;
        } while (v != 0);
        tailEnd = end;
        pending += size;
        encoded += size;
    }

    /** ASCII only (callers check). */
    private void putAscii(String s) {
        int len = s.length();
        int i = 0;
        while (i < len) {
            ensure(1);
            int n = Math.min(len - i, tail.length - tailEnd);
            for (int j = 0; j < n; j++) {
                tail[tailEnd + j] = (byte) s.charAt(i + j);
            }
            tailEnd += n;
            pending += n;
            encoded += n;
            i += n;
        }
    }

    /** UTF-8 text for a status or error line, with \r and \n turned into spaces. */
    private void putLineText(String s) {
        if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
            s = s.replace('\r', ' ').replace('\n', ' ');
        }
        if (isAscii(s)) {
            putAscii(s);
        } else {
            // Status and error lines are byte strings: text that echoes a client's argument was
            // decoded as ISO-8859-1 so that Latin-1 encoding gives back exactly the bytes the
            // client sent, as Redis echoes them. Only text beyond Latin-1 is sent as UTF-8.
            byte[] b = s.getBytes(fitsLatin1(s) ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            putBytes(b, 0, b.length);
        }
    }

    private static boolean fitsLatin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    /** Makes room for n contiguous bytes in the tail chunk (n is small: at most a prefix and a number). */
    private void ensure(int n) {
        if (tail.length - tailEnd >= n) {
            return;
        }
        if (tailStart == tailEnd && queue.isEmpty()) {
            // Nothing pending anywhere in this chunk: restart it.
            tailStart = 0;
            tailEnd = 0;
            return;
        }
        sealTail();
        useTail(new byte[CHUNK_SIZE]);
    }

    /** Queues the tail's pending bytes as a slice; the tail goes on in the same chunk after them. */
    private void sealTail() {
        if (tailEnd > tailStart) {
            queue.addLast(ByteBuffer.wrap(tail, tailStart, tailEnd - tailStart));
            tailStart = tailEnd;
        }
    }

    private void useTail(byte[] chunk) {
        tail = chunk;
        tailView = ByteBuffer.wrap(chunk);
        tailStart = 0;
        tailEnd = 0;
    }

    private void enqueueReference(byte[] b, int off, int len) {
        sealTail();
        queue.addLast(ByteBuffer.wrap(b, off, len).asReadOnlyBuffer());
        pending += len;
        encoded += len;
    }

    private static boolean isAscii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Number of characters in the decimal form of v. */
    static int stringSize(long v) {
        int sign = 0;
        if (v < 0) {
            sign = 1;
        } else {
            v = -v;
        }
        long p = -10;
        for (int i = 1; i < 19; i++) {
            if (v > p) {
                return i + sign;
            }
            p = 10 * p;
        }
        return 19 + sign;
    }
}
