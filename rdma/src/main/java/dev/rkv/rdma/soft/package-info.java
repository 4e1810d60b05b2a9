/**
 * The {@code soft} provider: RC verbs over TCP. Each device's responder threads play the NIC,
 * executing READ, WRITE, WRITE_WITH_IMM and SEND against registered regions after checking
 * rkey, bounds and access flags. See {@link dev.rkv.rdma.soft.Wire} for the frames.
 */
package dev.rkv.rdma.soft;
