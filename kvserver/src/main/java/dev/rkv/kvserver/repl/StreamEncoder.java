package dev.rkv.kvserver.repl;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encodes effects as the replication stream carries them: RESP multibulks, with a
 * {@code SELECT db} in front whenever the database differs from the previous effect's.
 * Owned by the event loop thread.
 */
public final class StreamEncoder {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
    /** Database of the last effect in the stream, -1 when the next effect must select. */
    private int streamDb = -1;

    /** Forces a SELECT before the next effect (a new full sync starts reading the stream here). */
    /** The database the stream has selected, -1 when the next effect selects one. */
    public int streamDb() {
        return streamDb;
    }

    public void forceSelect() {
        streamDb = -1;
    }

    /** The stream bytes of one effect, with a SELECT in front when needed. */
    public byte[] encode(int db, byte[][] effect) {
        buf.reset();
        if (db != streamDb) {
            writeCommand(new byte[][] {ascii("SELECT"), ascii(Integer.toString(db))});
            streamDb = db;
        }
        writeCommand(effect);
        return buf.toByteArray();
    }

    /** A command that belongs to no database (PING, REPLCONF GETACK). */
    public static byte[] encodeCommand(String... argv) {
        StreamEncoder e = new StreamEncoder();
        byte[][] a = new byte[argv.length][];
        for (int i = 0; i < argv.length; i++) {
            a[i] = ascii(argv[i]);
        }
        e.writeCommand(a);
        return e.buf.toByteArray();
    }

    private void writeCommand(byte[][] argv) {
        header('*', argv.length);
        for (byte[] a : argv) {
            header('$', a.length);
            buf.write(a, 0, a.length);
            buf.write('\r');
            buf.write('\n');
        }
    }

    private void header(char type, int n) {
        buf.write(type);
        byte[] digits = ascii(Integer.toString(n));
        buf.write(digits, 0, digits.length);
        buf.write('\r');
        buf.write('\n');
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
