package dev.rkv.kvserver.protocol;

/**
 * Limits the request parser enforces, named after the Redis options.
 *
 * @param protoMaxBulkLen  {@code proto-max-bulk-len}: largest bulk argument, in bytes. Redis allows up to
 *                         {@code LONG_MAX}; a Java {@code byte[]} stops just short of 2 GiB, so that is our ceiling.
 * @param maxMultibulkLen  most arguments in one multibulk request (Redis 7.0 hard-codes {@code INT_MAX}; 6.x used
 *                         1024*1024, which is our default).
 * @param maxInlineLen     {@code PROTO_INLINE_MAX_SIZE}: longest inline request, and longest {@code *<count>} or
 *                         {@code $<len>} header line that may sit in the buffer without its {@code \r}.
 */
public record ProtocolLimits(long protoMaxBulkLen, int maxMultibulkLen, int maxInlineLen) {

    /** Smallest accepted {@code proto-max-bulk-len}. */
    public static final long MIN_PROTO_MAX_BULK_LEN = 1024;
    /** Largest accepted {@code proto-max-bulk-len}: the largest array most JVMs allocate. */
    public static final long MAX_PROTO_MAX_BULK_LEN = Integer.MAX_VALUE - 8;
    /** Smallest accepted inline limit: it must hold any valid header line. */
    public static final int MIN_INLINE_LEN = 64;

    /** Redis defaults: 512 MiB bulks, 1 Mi arguments, 64 KiB inline requests. */
    public static final ProtocolLimits DEFAULTS =
            new ProtocolLimits(512L * 1024 * 1024, 1024 * 1024, 64 * 1024);

    public ProtocolLimits {
        if (protoMaxBulkLen < MIN_PROTO_MAX_BULK_LEN || protoMaxBulkLen > MAX_PROTO_MAX_BULK_LEN) {
            throw new IllegalArgumentException("proto-max-bulk-len " + protoMaxBulkLen + " is outside ["
                    + MIN_PROTO_MAX_BULK_LEN + ", " + MAX_PROTO_MAX_BULK_LEN + "]");
        }
        if (maxMultibulkLen < 1) {
            throw new IllegalArgumentException("max multibulk length " + maxMultibulkLen + " is below 1");
        }
        if (maxInlineLen < MIN_INLINE_LEN) {
            throw new IllegalArgumentException("max inline length " + maxInlineLen + " is below " + MIN_INLINE_LEN);
        }
    }

    public ProtocolLimits withProtoMaxBulkLen(long value) {
        return new ProtocolLimits(value, maxMultibulkLen, maxInlineLen);
    }

    public ProtocolLimits withMaxMultibulkLen(int value) {
        return new ProtocolLimits(protoMaxBulkLen, value, maxInlineLen);
    }

    public ProtocolLimits withMaxInlineLen(int value) {
        return new ProtocolLimits(protoMaxBulkLen, maxMultibulkLen, value);
    }
}
