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
 * server -> client, connection 1:  MAGIC u32, REPLY_OK | REPLY_REFUSED u8, info (u32 length + bytes)
 * client -> server, connection 2:  MAGIC u32, HELLO_JOIN u8, token (2 x u64)
 * server -> client, connection 1:  ACCEPTED u8, once the application accepted
 * </pre>
 * "info" is provider data ({@code shm}: where its regions live). Reads time out.
 */
final class Handshake {
    /** Upper bound for names and info blocks, against garbage input. */
    static final int MAX_FIELD = 4096;

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
        int m = in.readInt();
        if (m != Wire.MAGIC) {
            throw new IOException("bad handshake magic 0x" + Integer.toHexString(m));
        }
    }

    static boolean isTimeout(IOException e) {
        return e instanceof SocketTimeoutException;
    }
}
