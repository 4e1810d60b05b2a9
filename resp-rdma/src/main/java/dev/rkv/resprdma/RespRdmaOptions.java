package dev.rkv.resprdma;

import java.time.Duration;

/**
 * Options of one RESP-over-RDMA channel, validated once when created.
 *
 * @param rxSize           our receive buffer, announced to the peer (Valkey's {@code rdma-rx-size}):
 *                         {@value #MIN_RX_SIZE}..{@value #MAX_RX_SIZE}, default 1 MiB
 * @param keepalive        how often a side that sent nothing else sends a Keepalive (protocol: 3 s)
 * @param silenceTimeout   a peer from which nothing (data, control or keepalive) arrived this long is
 *                         considered dead and the channel closes; {@link Duration#ZERO} turns the check off.
 *                         Default 15 s: five missed keepalives, longer than any GC pause we expect, and
 *                         longer than the providers' own 10 s transport timeout, which catches peers
 *                         that vanish while we have work outstanding
 * @param connectTimeout   for a client's connect and the exchange of RegisterXferMemory
 * @param sendDepth        send-queue depth (Valkey: 1024)
 * @param recvDepth        receives posted ahead, each with a 32-byte buffer (Valkey: 1024)
 * @param signalEvery      a data write is signaled once per this many (Valkey: 512); others complete silently
 */
public record RespRdmaOptions(int rxSize, Duration keepalive, Duration silenceTimeout, Duration connectTimeout,
                              int sendDepth, int recvDepth, int signalEvery) {

    public static final int MIN_RX_SIZE = 64 * 1024;
    public static final int MAX_RX_SIZE = 16 * 1024 * 1024;
    public static final int DEFAULT_RX_SIZE = 1024 * 1024;

    public RespRdmaOptions {
        if (rxSize < MIN_RX_SIZE || rxSize > MAX_RX_SIZE) {
            throw new IllegalArgumentException("rdma rx size " + rxSize + " not in [" + MIN_RX_SIZE + ", "
                    + MAX_RX_SIZE + "]");
        }
        if (keepalive == null || keepalive.isNegative() || keepalive.isZero()) {
            throw new IllegalArgumentException("keepalive must be positive, got " + keepalive);
        }
        if (silenceTimeout == null || silenceTimeout.isNegative()
                || (!silenceTimeout.isZero() && silenceTimeout.compareTo(keepalive) <= 0)) {
            throw new IllegalArgumentException("silence timeout " + silenceTimeout
                    + " must be 0 (off) or longer than the keepalive interval " + keepalive);
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive, got " + connectTimeout);
        }
        if (sendDepth < 16 || sendDepth > 16384) {
            throw new IllegalArgumentException("send depth " + sendDepth + " not in [16, 16384]");
        }
        if (recvDepth < 16 || recvDepth > 16384) {
            throw new IllegalArgumentException("recv depth " + recvDepth + " not in [16, 16384]");
        }
        if (signalEvery < 1 || signalEvery > sendDepth / 2) {
            throw new IllegalArgumentException("signalEvery " + signalEvery + " not in [1, sendDepth/2]");
        }
    }

    /** 1 MiB RX, keepalive 3 s, silence 15 s, connect 10 s, 1024/1024 work requests, one write in 256 signaled. */
    public static RespRdmaOptions defaults() {
        return new RespRdmaOptions(DEFAULT_RX_SIZE, Duration.ofSeconds(3), Duration.ofSeconds(15),
                Duration.ofSeconds(10), 1024, 1024, 256);
    }

    public RespRdmaOptions withRxSize(int bytes) {
        return new RespRdmaOptions(bytes, keepalive, silenceTimeout, connectTimeout, sendDepth, recvDepth, signalEvery);
    }

    public RespRdmaOptions withKeepalive(Duration interval, Duration silence) {
        return new RespRdmaOptions(rxSize, interval, silence, connectTimeout, sendDepth, recvDepth, signalEvery);
    }

    public RespRdmaOptions withConnectTimeout(Duration timeout) {
        return new RespRdmaOptions(rxSize, keepalive, silenceTimeout, timeout, sendDepth, recvDepth, signalEvery);
    }

    public RespRdmaOptions withDepths(int send, int recv, int signal) {
        return new RespRdmaOptions(rxSize, keepalive, silenceTimeout, connectTimeout, send, recv, signal);
    }
}
