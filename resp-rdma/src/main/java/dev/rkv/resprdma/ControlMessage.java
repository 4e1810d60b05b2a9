package dev.rkv.resprdma;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One control message of the Valkey-over-RDMA protocol: 32 bytes, big-endian, sent with SEND.
 *
 * <pre>
 *  0       2       4                                      24                              32
 *  +-------+-------+--------------------------------------+-------------------------------+
 *  |opcode |select |            reserved (20)             |        u64 features           |  0 GetServerFeature
 *  +-------+-------+--------------------------------------+-------------------------------+  1 SetClientFeature
 *  |opcode |                       reserved (30)                                          |  2 Keepalive
 *  +-------+------------------------------+---------------+---------------+---------------+
 *  |opcode |        reserved (14)         |   u64 addr    | u32 length    |   u32 rkey    |  3 RegisterXferMemory
 *  +-------+------------------------------+---------------+---------------+---------------+
 *  0       2                              16              24              28              32
 * </pre>
 *
 * Fields a type does not use are zero. Decoding checks the length and the opcode only (reserved
 * bytes are ignored, as the reference implementation ignores them); what a value may be is the
 * receiver's business ({@link RespRdmaChannel}).
 *
 * @param type     the opcode
 * @param select   GetServerFeature/SetClientFeature: which feature word (0 is the only one)
 * @param features GetServerFeature/SetClientFeature: feature bits (none are defined)
 * @param address  RegisterXferMemory: the RX buffer's address
 * @param length   RegisterXferMemory: its length (u32, so 0..4294967295)
 * @param rkey     RegisterXferMemory: its rkey
 */
public record ControlMessage(Type type, int select, long features, long address, long length, int rkey) {

    /** Every control message is this long. */
    public static final int SIZE = 32;
    public static final int OPCODE_OFFSET = 0;
    public static final int SELECT_OFFSET = 2;
    public static final int FEATURES_OFFSET = 24;
    public static final int ADDRESS_OFFSET = 16;
    public static final int LENGTH_OFFSET = 24;
    public static final int RKEY_OFFSET = 28;

    /** The four opcodes. */
    public enum Type {
        GET_SERVER_FEATURE(0),
        SET_CLIENT_FEATURE(1),
        KEEPALIVE(2),
        REGISTER_XFER_MEMORY(3);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /** The wire opcode. */
        public int code() {
            return code;
        }

        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    public ControlMessage {
        if (type == null) {
            throw new IllegalArgumentException("type is null");
        }
        if (select < 0 || select > 0xffff) {
            throw new IllegalArgumentException("select " + select + " not a u16");
        }
        if (length < 0 || length > 0xffff_ffffL) {
            throw new IllegalArgumentException("length " + length + " not a u32");
        }
    }

    public static ControlMessage getServerFeature(long features) {
        return new ControlMessage(Type.GET_SERVER_FEATURE, 0, features, 0, 0, 0);
    }

    public static ControlMessage setClientFeature(long features) {
        return new ControlMessage(Type.SET_CLIENT_FEATURE, 0, features, 0, 0, 0);
    }

    public static ControlMessage keepalive() {
        return new ControlMessage(Type.KEEPALIVE, 0, 0, 0, 0, 0);
    }

    public static ControlMessage registerXferMemory(long address, long length, int rkey) {
        return new ControlMessage(Type.REGISTER_XFER_MEMORY, 0, 0, address, length, rkey);
    }

    /** Writes the 32 bytes at {@code offset} of {@code dst} (absolute; dst's position and order are untouched). */
    public void encodeTo(ByteBuffer dst, int offset) {
        ByteBuffer b = dst.duplicate().order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < SIZE; i += 8) {
            b.putLong(offset + i, 0L);
        }
        b.putShort(offset + OPCODE_OFFSET, (short) type.code);
        switch (type) {
            case GET_SERVER_FEATURE:
            case SET_CLIENT_FEATURE:
                b.putShort(offset + SELECT_OFFSET, (short) select);
                b.putLong(offset + FEATURES_OFFSET, features);
                break;
            case REGISTER_XFER_MEMORY:
                b.putLong(offset + ADDRESS_OFFSET, address);
                b.putInt(offset + LENGTH_OFFSET, (int) length);
                b.putInt(offset + RKEY_OFFSET, rkey);
                break;
            default:
                break;
        }
    }

    /**
     * Reads a message of {@code length} bytes at {@code offset} of {@code src}.
     *
     * @throws RespRdmaProtocolException if {@code length} is not 32 or the opcode is unknown
     */
    public static ControlMessage decode(ByteBuffer src, int offset, int length) throws RespRdmaProtocolException {
        if (length != SIZE) {
            throw new RespRdmaProtocolException("control message of " + length + " bytes (must be " + SIZE + ")");
        }
        ByteBuffer b = src.duplicate().order(ByteOrder.BIG_ENDIAN);
        int code = Short.toUnsignedInt(b.getShort(offset + OPCODE_OFFSET));
        Type type = Type.of(code);
        if (type == null) {
            throw new RespRdmaProtocolException("control message with unknown opcode " + code);
        }
        switch (type) {
            case GET_SERVER_FEATURE:
            case SET_CLIENT_FEATURE:
                return new ControlMessage(type, Short.toUnsignedInt(b.getShort(offset + SELECT_OFFSET)),
                        b.getLong(offset + FEATURES_OFFSET), 0, 0, 0);
            case REGISTER_XFER_MEMORY:
                return registerXferMemory(b.getLong(offset + ADDRESS_OFFSET),
                        Integer.toUnsignedLong(b.getInt(offset + LENGTH_OFFSET)), b.getInt(offset + RKEY_OFFSET));
            default:
                return keepalive();
        }
    }
}
