/**
 * Verbs-style RDMA transport SPI. Start at {@link dev.rkv.rdma.Providers} (open a device by
 * provider name: {@code soft}, {@code shm}, {@code disni}), then {@link dev.rkv.rdma.RdmaDevice}
 * (regions, completion queues, listen/connect), {@link dev.rkv.rdma.Endpoint} (post
 * {@link dev.rkv.rdma.WorkRequest}s and {@link dev.rkv.rdma.RecvRequest}s) and
 * {@link dev.rkv.rdma.CompletionQueue} (poll or await {@link dev.rkv.rdma.Completion}s).
 * Providers live in sub-packages; {@link dev.rkv.rdma.Doctor} says which run here.
 */
package dev.rkv.rdma;
