package dev.rkv.rdma;

/**
 * A transport implementation that can open devices. Providers are looked up by name through
 * {@link Providers}.
 */
public interface RdmaProvider {

    /** Short name: "soft", "shm", "disni". */
    String name();

    /** Whether this provider can run on this machine, and if not, why and how to fix it. */
    Availability availability();

    /**
     * Opens a device.
     *
     * @throws ProviderUnavailableException if {@link #availability()} says it cannot run here
     */
    RdmaDevice open(DeviceOptions options);

    /** Whether a provider can run here; {@code detail} says why or why not. */
    record Availability(boolean available, String detail) {
        public static Availability yes(String detail) {
            return new Availability(true, detail);
        }

        public static Availability no(String detail) {
            return new Availability(false, detail);
        }
    }
}
