package dev.rkv.rdma.soft;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Connection setup of the soft transport (the part RDMA CM does for verbs).
 *
 * <pre>
 * client -> server, connection 1:  MAGIC u32, HELLO_NEW u8, provider (u16 length + UTF-8),
 *                                  token (2 x u64), info (u32 length + bytes)
 * server -> client, connection 1:  MAGIC u32, REPLY_OK | REPLY_REFUSED | REPLY_FULL u8,
 *                                  info (u32 length + bytes)
 * client -> server, connection 2:  MAGIC u32, HELLO_JOIN u8, token (2 x u64)
 * server -> client, connection 1:  ACCEPTED u8, once the application accepted
 * </pre>
 * "info" is provider data ({@code shm}: where its regions live); with REPLY_FULL it is the
 * UTF-8 reason. The client reads with timeouts; the listener decodes hellos incrementally
 * with {@link #parseHello} and gives the whole handshake one deadline.
 */
final class Handshake {
    /** Upper bound for names and info blocks, against garbage input. */
    static final int MAX_FIELD = 4096;
    /** The longest hello a client may send: HELLO_NEW with both fields at their limit. */
    static final int MAX_HELLO = 4 + 1 + 2 + MAX_FIELD + 16 + 4 + MAX_FIELD;
    private static final int JOIN_LENGTH = 4 + 1 + 16;

    /** A decoded client hello: HELLO_NEW (provider and info set) or HELLO_JOIN (both null). */
    record Hello(byte kind, String provider, String token, byte[] info) {
        boolean isNew() {
            return kind == Wire.HELLO_NEW;
        }
    }

    private Handshake() {
    }

    static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        b.flip();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static DataInputStream in(SocketChannel ch, long timeoutMillis) throws IOException {
        ch.socket().setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMillis)));
        return new DataInputStream(ch.socket().getInputStream());
    }

    static void endHandshake(SocketChannel ch) throws IOException {
        ch.socket().setSoTimeout(0);
    }

    static byte[] readField(DataInputStream in, int lengthBytes) throws IOException {
        int n = lengthBytes == 2 ? in.readUnsignedShort() : in.readInt();
        if (n < 0 || n > MAX_FIELD) {
            throw new IOException("handshake field of " + n + " bytes, limit " + MAX_FIELD);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    static ByteBuffer hello(String provider, long token0, long token1, byte[] info) {
        byte[] name = provider.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 2 + name.length + 16 + 4 + info.length);
        b.putInt(Wire.MAGIC).put(Wire.HELLO_NEW).putShort((short) name.length).put(name);
        b.putLong(token0).putLong(token1).putInt(info.length).put(info);
        return b;
    }

    static ByteBuffer join(long token0, long token1) {
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 16);
        b.putInt(Wire.MAGIC).put(Wire.HELLO_JOIN).putLong(token0).putLong(token1);
        return b;
    }

    static ByteBuffer reply(byte status, byte[] info) {
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 4 + info.length);
        b.putInt(Wire.MAGIC).put(status).putInt(info.length).put(info);
        return b;
    }

    static void checkMagic(DataInputStream in) throws IOException {
        checkMagic(in.readInt());
    }

    /**
     * Decodes the hello in {@code received} (position 0 to limit: every byte read so far).
     *
     * @return the hello, or null if more bytes are needed
     * @throws IOException naming what is wrong: bad magic, unknown kind, a field over its limit,
     *                     or bytes after the hello (a client waits for the reply)
     */
    static Hello parseHello(ByteBuffer received) throws IOException {
        ByteBuffer b = received.duplicate();
        if (b.remaining() < 5) {
            if (b.remaining() >= 4) {
                checkMagic(b.getInt(0));
            }
            return null;
        }
        checkMagic(b.getInt(0));
        byte kind = b.get(4);
        int end;
        Hello hello;
        if (kind == Wire.HELLO_JOIN) {
            if (b.remaining() < JOIN_LENGTH) {
                return null;
            }
            end = JOIN_LENGTH;
            hello = new Hello(kind, null, b.getLong(5) + ":" + b.getLong(13), null);
        } else if (kind == Wire.HELLO_NEW) {
            if (b.remaining() < 7) {
                return null;
            }
            int nameLength = b.getShort(5) & 0xffff;
            checkField("provider name", nameLength);
            int tokenAt = 7 + nameLength;
            int infoLengthAt = tokenAt + 16;
            if (b.remaining() < infoLengthAt + 4) {
                return null;
            }
            int infoLength = b.getInt(infoLengthAt);
            checkField("info", infoLength);
            end = infoLengthAt + 4 + infoLength;
            if (b.remaining() < end) {
                return null;
            }
            byte[] name = new byte[nameLength];
            b.get(7, name);
            byte[] info = new byte[infoLength];
            b.get(infoLengthAt + 4, info);
            hello = new Hello(kind, new String(name, StandardCharsets.UTF_8), b.getLong(tokenAt) + ":"
                    + b.getLong(tokenAt + 8), info);
        } else {
            throw new IOException("unknown handshake kind " + kind);
        }
        if (b.remaining() > end) {
            throw new IOException((b.remaining() - end) + " unexpected bytes after the handshake hello");
        }
        return hello;
    }

    private static void checkMagic(int m) throws IOException {
        if (m != Wire.MAGIC) {
            throw new IOException("bad handshake magic 0x" + Integer.toHexString(m));
        }
    }

    private static void checkField(String what, int n) throws IOException {
        if (n < 0 || n > MAX_FIELD) {
            throw new IOException("handshake " + what + " of " + n + " bytes, limit " + MAX_FIELD);
        }
    }

    static boolean isTimeout(IOException e) {
        return e instanceof SocketTimeoutException;
    }
}
