package dev.rkv.kvserver.info;

/**
 * Contributes the fields of one INFO section. Several contributors may serve one section
 * (see {@link InfoRegistry#contribute}); each runs on the event loop thread when INFO asks for
 * the section, in registration order, and may add, replace or remove fields.
 */
@FunctionalInterface
public interface InfoSection {
    void write(InfoFields fields);
}
