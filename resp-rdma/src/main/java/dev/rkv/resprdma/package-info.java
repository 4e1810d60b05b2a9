/**
 * RESP over RDMA: the Valkey-over-RDMA protocol on rkv's verbs-style SPI ({@code dev.rkv.rdma}).
 *
 * <p>{@link dev.rkv.resprdma.RespRdmaChannel} is a non-blocking byte channel over one RC endpoint,
 * {@link dev.rkv.resprdma.RespRdmaListener} accepts them, and {@link dev.rkv.resprdma.RespRdmaStreams}
 * gives plain blocking streams for clients. {@link dev.rkv.resprdma.ControlMessage} is the 32-byte
 * control plane. See the module README for the protocol and our choices.
 */
package dev.rkv.resprdma;
