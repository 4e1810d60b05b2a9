package dev.rkv.rdma;

import java.time.Duration;

/**
 * Options of one endpoint, validated once when it is created.
 *
 * @param sendCq         completion queue for send-queue work requests
 * @param recvCq         completion queue for receives (may be the same as {@code sendCq})
 * @param maxSendWr      send-queue depth ({@code max_send_wr})
 * @param maxRecvWr      receive-queue depth ({@code max_recv_wr})
 * @param maxSge         scatter/gather entries per request ({@code max_send_sge/max_recv_sge})
 * @param connectTimeout how long connect waits for the peer to accept
 * @param rnrTimeout     how long an incoming SEND or WRITE_WITH_IMM waits for a posted receive
 *                       before failing with RNR_RETRY_EXC_ERR
 * @param transportTimeout how long outstanding requests may see no progress from the peer
 *                       before failing with RETRY_EXC_ERR (the verbs ack timeout × retries)
 */
public record EndpointOptions(CompletionQueue sendCq, CompletionQueue recvCq, int maxSendWr, int maxRecvWr,
                              int maxSge, Duration connectTimeout, Duration rnrTimeout,
                              Duration transportTimeout) {

    /** Upper bound for queue depths. */
    public static final int MAX_QUEUE_DEPTH = 1 << 16;
    /** Upper bound for sges per request. */
    public static final int MAX_SGE = 32;

    public EndpointOptions {
        if (sendCq == null || recvCq == null) {
            throw new IllegalArgumentException("sendCq and recvCq are required");
        }
        checkRange("maxSendWr", maxSendWr, 1, MAX_QUEUE_DEPTH);
        checkRange("maxRecvWr", maxRecvWr, 0, MAX_QUEUE_DEPTH);
        checkRange("maxSge", maxSge, 1, MAX_SGE);
        checkPositive("connectTimeout", connectTimeout);
        checkPositive("rnrTimeout", rnrTimeout);
        checkPositive("transportTimeout", transportTimeout);
    }

    /** Defaults close to Valkey's RDMA transport: 1024 sends, 1024 receives, 4 sges, one CQ. */
    public static EndpointOptions of(CompletionQueue cq) {
        return new EndpointOptions(cq, cq, 1024, 1024, 4, Duration.ofSeconds(10), Duration.ofSeconds(2),
                Duration.ofSeconds(10));
    }

    public EndpointOptions withDepths(int sendWr, int recvWr) {
        return new EndpointOptions(sendCq, recvCq, sendWr, recvWr, maxSge, connectTimeout, rnrTimeout,
                transportTimeout);
    }

    public EndpointOptions withCqs(CompletionQueue send, CompletionQueue recv) {
        return new EndpointOptions(send, recv, maxSendWr, maxRecvWr, maxSge, connectTimeout, rnrTimeout,
                transportTimeout);
    }

    public EndpointOptions withTimeouts(Duration connect, Duration rnr, Duration transport) {
        return new EndpointOptions(sendCq, recvCq, maxSendWr, maxRecvWr, maxSge, connect, rnr, transport);
    }

    private static void checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " " + value + " not in [" + min + ", " + max + "]");
        }
    }

    private static void checkPositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
