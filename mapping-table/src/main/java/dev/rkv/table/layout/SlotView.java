package dev.rkv.table.layout;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A decoded slot: a flyweight over the buffer it was decoded from (no copy until asked).
 * Valid until the next decode into it or until the buffer changes; one per reading thread.
 */
public final class SlotView {

    private ByteBuffer buffer;
    private int slotOffset;
    private long version;
    private long lsn;
    private long expireAtMs;
    private byte type;
    private byte flags;
    private int keyLength;
    private int valueLength;

    void wrap(ByteBuffer buffer, int slotOffset, long version, long lsn, long expireAtMs, byte type, byte flags, int keyLength,
              int valueLength) {
        this.buffer = buffer;
        this.slotOffset = slotOffset;
        this.version = version;
        this.lsn = lsn;
        this.expireAtMs = expireAtMs;
        this.type = type;
        this.flags = flags;
        this.keyLength = keyLength;
        this.valueLength = valueLength;
    }

    public long version() {
        return version;
    }

    public long lsn() {
        return lsn;
    }

    /** Absolute expiry in unix milliseconds, {@link SlotDescriptor#NO_EXPIRY} for none. */
    public long expireAtMs() {
        return expireAtMs;
    }

    public byte type() {
        return type;
    }

    public byte flags() {
        return flags;
    }

    /** Whether the value is in an overflow extent ({@link #overflowBlock()}, {@link #overflowVersion()}). */
    public boolean isOverflow() {
        return (flags & SlotDescriptor.FLAG_OVERFLOW) != 0;
    }

    public int keyLength() {
        return keyLength;
    }

    /** The value's length, inline or in the overflow extent. */
    public int valueLength() {
        return valueLength;
    }

    /** Offset of the key in the buffer decoded from. */
    public int keyOffset() {
        return slotOffset + SlotDescriptor.KEY_OFFSET;
    }

    /** Offset of the inline value (or of the overflow reference) in the buffer decoded from. */
    public int valueOffset() {
        return keyOffset() + keyLength;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public byte[] key() {
        byte[] key = new byte[keyLength];
        buffer.get(keyOffset(), key);
        return key;
    }

    /** Whether the slot's key is exactly {@code key}. */
    public boolean keyEquals(byte[] key) {
        if (key.length != keyLength) {
            return false;
        }
        int at = keyOffset();
        if (buffer.hasArray()) {
            int base = buffer.arrayOffset() + at;
            return Arrays.equals(buffer.array(), base, base + keyLength, key, 0, keyLength);
        }
        for (int i = 0; i < keyLength; i++) {
            if (buffer.get(at + i) != key[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The inline value's bytes.
     *
     * @throws IllegalStateException when the value is in an overflow extent
     */
    public byte[] value() {
        if (isOverflow()) {
            throw new IllegalStateException("value of " + valueLength + " bytes is in overflow extent at block " + overflowBlock());
        }
        byte[] value = new byte[valueLength];
        buffer.get(valueOffset(), value);
        return value;
    }

    /** The overflow extent's first block (only with {@link #isOverflow()}). */
    public long overflowBlock() {
        return LayoutBuffers.getLong(buffer, valueOffset() + SlotDescriptor.OVERFLOW_REF_BLOCK_OFFSET);
    }

    /** The overflow extent's version this slot refers to (only with {@link #isOverflow()}). */
    public long overflowVersion() {
        return LayoutBuffers.getLong(buffer, valueOffset() + SlotDescriptor.OVERFLOW_REF_VERSION_OFFSET);
    }

    @Override
    public String toString() {
        return "SlotView{type=" + type + ", keyLength=" + keyLength + ", valueLength=" + valueLength + ", overflow=" + isOverflow()
                + ", lsn=" + lsn + ", expireAtMs=" + expireAtMs + ", version=" + version + '}';
    }
}
