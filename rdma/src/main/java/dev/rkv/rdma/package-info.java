/**
 * Verbs-style RDMA transport SPI and its providers (disni, soft, shm).
 */
package dev.rkv.rdma;
