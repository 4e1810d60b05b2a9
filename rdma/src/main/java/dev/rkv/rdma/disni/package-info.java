/**
 * The {@code disni} provider: the SPI over IBM DiSNI 2.1 (real verbs). The only package that
 * imports DiSNI. Unit-tested with Mockito against DiSNI's classes, since machines here have
 * no RDMA device; {@link dev.rkv.rdma.Doctor} says what is missing on a given host.
 */
package dev.rkv.rdma.disni;
