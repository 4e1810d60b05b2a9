/**
 * Replica-side agent: computes slot addresses, pulls with RDMA READ, verifies and loads into a server.
 *
 * <p>Arrives with the accelerator issue; the module exists so the build shows the architecture.
 */
package dev.rkv.replica;
