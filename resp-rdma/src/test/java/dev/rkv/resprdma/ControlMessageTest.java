package dev.rkv.resprdma;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ControlMessageTest {

    private static byte[] encode(ControlMessage m) {
        ByteBuffer b = ByteBuffer.allocate(40);
        b.put(0, new byte[40]);
        m.encodeTo(b, 4);
        byte[] out = new byte[32];
        b.get(4, out);
        return out;
    }

    @Test
    void layoutIsThirtyTwoBigEndianBytesAtTheDocumentedOffsets() {
        assertEquals(32, ControlMessage.SIZE);
        byte[] reg = encode(ControlMessage.registerXferMemory(0x0102030405060708L, 0x00100000L, 0xa1b2c3d4));
        assertEquals("0003" + "00".repeat(14) + "0102030405060708" + "00100000" + "a1b2c3d4",
                HexFormat.of().formatHex(reg));
        byte[] feat = encode(new ControlMessage(ControlMessage.Type.SET_CLIENT_FEATURE, 0x0102, 0x1122334455667788L,
                0, 0, 0));
        assertEquals("0001" + "0102" + "00".repeat(20) + "1122334455667788", HexFormat.of().formatHex(feat));
        assertEquals("0002" + "00".repeat(30), HexFormat.of().formatHex(encode(ControlMessage.keepalive())));
        assertEquals("0000" + "00".repeat(30), HexFormat.of().formatHex(encode(ControlMessage.getServerFeature(0))));
    }

    @Test
    void everyTypeRoundTrips() throws Exception {
        for (ControlMessage m : new ControlMessage[] {ControlMessage.getServerFeature(5), ControlMessage.setClientFeature(-1),
                ControlMessage.keepalive(), ControlMessage.registerXferMemory(-2, 0xffff_ffffL, -3)}) {
            ByteBuffer b = ByteBuffer.wrap(encode(m));
            assertEquals(m, ControlMessage.decode(b, 0, 32));
        }
    }

    @Test
    void encodingClearsWhatWasInTheSlotBefore() {
        ByteBuffer b = ByteBuffer.allocate(32);
        for (int i = 0; i < 32; i++) {
            b.put(i, (byte) 0xff);
        }
        ControlMessage.keepalive().encodeTo(b, 0);
        byte[] expect = new byte[32];
        expect[1] = 2;
        assertArrayEquals(expect, b.array());
    }

    @Test
    void wrongLengthIsAProtocolError() {
        ByteBuffer b = ByteBuffer.wrap(encode(ControlMessage.keepalive()));
        RespRdmaProtocolException e = assertThrows(RespRdmaProtocolException.class, () -> ControlMessage.decode(b, 0, 16));
        assertTrue(e.getMessage().contains("16 bytes"), e.getMessage());
        assertThrows(RespRdmaProtocolException.class, () -> ControlMessage.decode(b, 0, 33));
        assertThrows(RespRdmaProtocolException.class, () -> ControlMessage.decode(b, 0, 0));
    }

    @Test
    void unknownOpcodeIsAProtocolError() {
        byte[] raw = new byte[32];
        raw[0] = (byte) 0x80;
        raw[1] = 4;
        RespRdmaProtocolException e = assertThrows(RespRdmaProtocolException.class,
                () -> ControlMessage.decode(ByteBuffer.wrap(raw), 0, 32));
        assertTrue(e.getMessage().contains("unknown opcode 32772"), e.getMessage());
    }

    @Test
    void constructorRejectsValuesTheWireCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.registerXferMemory(0, 1L << 32, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new ControlMessage(ControlMessage.Type.GET_SERVER_FEATURE, 70000, 0, 0, 0, 0));
    }
}
