/**
 * Primary-side replication agent: registers the mapping table and serves its descriptor to replicas.
 *
 * <p>Arrives with the accelerator issue; the module exists so the build shows the architecture.
 */
package dev.rkv.primary;
