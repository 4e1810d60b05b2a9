package dev.rkv.rdma.soft;

/**
 * Frames of the soft transport. Each endpoint uses two TCP connections: on the first the
 * connecting side sends requests and the accepting side answers; on the second the roles
 * are swapped. A responder therefore only ever writes responses on a connection whose
 * requester only ever reads them, so neither side can block the other.
 *
 * <pre>
 * Request, requester to responder, 32 bytes, big-endian, then the payload (WRITE,
 * WRITE_WITH_IMM, SEND: LENGTH bytes; READ and IMM_ONLY: none)
 *  0               1               2               3
 * +---------------+---------------+---------------+---------------+
 * |     TYPE      |     FLAGS     |          reserved             |  0
 * +---------------+---------------+-------------------------------+
 * |                           IMMEDIATE                           |  4
 * +---------------------------------------------------------------+
 * |                       REMOTE ADDRESS (64)                     |  8
 * +---------------------------------------------------------------+
 * |                             RKEY                              | 16
 * +---------------------------------------------------------------+
 * |                            LENGTH                             | 20
 * +---------------------------------------------------------------+
 * |                        SEQUENCE (64)                          | 24
 * +---------------------------------------------------------------+
 *
 * Response, responder to requester, 16 bytes, then LENGTH bytes of data for a successful READ
 * +---------------+-----------------------------------------------+
 * |    STATUS     |                  reserved                     |  0
 * +---------------+-----------------------------------------------+
 * |                            LENGTH                             |  4
 * +---------------------------------------------------------------+
 * |                        SEQUENCE (64)                          |  8
 * +---------------------------------------------------------------+
 * </pre>
 * Responses come back in request order (RC). STATUS is a verbs completion status code as
 * the requester should report it for request SEQUENCE. A response is cumulative: every earlier
 * request without a response of its own succeeded. The responder answers at once a READ (it
 * carries the data), a failure, and a request with F_ACK_NOW in FLAGS (signaled, or its
 * requester is short of send-queue slots); a successful request without it is acknowledged
 * later: by the next response, by a bare one every 64 requests, or by a bare one the
 * endpoint's sender thread writes within about 120 ms. In a request-reply exchange this saves the
 * wake-up of the requester's ack reader for each message: the acknowledgement frames were half
 * of the socket traffic and thread wake-ups of a RESP-over-RDMA request.
 */
final class Wire {
    static final int REQ_HEADER = 32;
    static final int REQ_TYPE = 0;
    static final int REQ_FLAGS = 1;
    static final int REQ_IMMEDIATE = 4;
    static final int REQ_REMOTE_ADDRESS = 8;
    static final int REQ_RKEY = 16;
    static final int REQ_LENGTH = 20;
    static final int REQ_SEQUENCE = 24;

    static final int RESP_HEADER = 16;
    static final int RESP_STATUS = 0;
    static final int RESP_LENGTH = 4;
    static final int RESP_SEQUENCE = 8;

    /** FLAGS bit: respond at once (the request is signaled or the requester needs its slots back). */
    static final byte F_ACK_NOW = 1;

    static final byte T_READ = 1;
    static final byte T_WRITE = 2;
    static final byte T_WRITE_IMM = 3;
    static final byte T_SEND = 4;
    /** WRITE_WITH_IMM whose data the requester already placed itself (shm): only the notification. */
    static final byte T_IMM_ONLY = 5;

    /** Handshake magic "RKV1". */
    static final int MAGIC = 0x524b5631;
    static final byte HELLO_NEW = 1;
    static final byte HELLO_JOIN = 2;
    static final byte REPLY_OK = 0;
    static final byte REPLY_REFUSED = 1;
    /** The listener is at its endpoint limit; the reply's info is the reason in UTF-8. */
    static final byte REPLY_FULL = 2;
    static final byte ACCEPTED = 1;

    private Wire() {
    }
}
