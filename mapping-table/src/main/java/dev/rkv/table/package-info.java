/**
 * The fixed-slot mapping table layout: header, slot classes, slot codec, checksums and address arithmetic.
 *
 * <p>Arrives with the accelerator issue; the module exists so the build shows the architecture.
 */
package dev.rkv.table;
