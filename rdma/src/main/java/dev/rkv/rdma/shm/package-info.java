/**
 * The {@code shm} provider: same-host regions in shared-memory files; the requester executes
 * READ and WRITE by copying to or from the peer's mapping (see
 * {@link dev.rkv.rdma.shm.ShmRegionDescriptor}); SENDs and immediates use the soft engine's
 * loopback connection as a doorbell.
 */
package dev.rkv.rdma.shm;
