/**
 * Reproducible benchmarks and the sync-time study.
 */
package dev.rkv.experiments;
