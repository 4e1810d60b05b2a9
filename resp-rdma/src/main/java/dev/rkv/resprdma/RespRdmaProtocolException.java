package dev.rkv.resprdma;

import java.io.IOException;

/** The peer broke the Valkey-over-RDMA protocol; the message says what it sent. */
public final class RespRdmaProtocolException extends IOException {
    public RespRdmaProtocolException(String message) {
        super(message);
    }
}
