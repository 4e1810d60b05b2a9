/**
 * Building blocks shared by the software providers ({@code soft}, {@code shm}) and the
 * {@code disni} adapter: a completion queue, registered regions and their key table, and
 * queue-slot accounting. Not part of the SPI; applications use {@code dev.rkv.rdma} only.
 */
package dev.rkv.rdma.support;
