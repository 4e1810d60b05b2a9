package dev.rkv.rdma;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Options for opening a device.
 *
 * @param shmDirectory where {@code shm} keeps its region files, and {@code soft} its large regions (default {@code /dev/shm})
 * @param bindAddress  local IP address of the RDMA interface ({@code disni}; ignored by others);
 *                     null means "the first address used by listen or connect"
 * @param properties   provider-specific extras, by name; {@code soft} and {@code shm} read their
 *                     listener limits here ({@code listener.max-endpoints} and the others of
 *                     {@link dev.rkv.rdma.soft.ListenerLimits}), refusing bad values at open
 */
public record DeviceOptions(Path shmDirectory, String bindAddress, Map<String, String> properties) {

    public DeviceOptions {
        properties = Map.copyOf(properties);
    }

    /** Defaults: {@code /dev/shm}, no bind address, no properties. */
    public static DeviceOptions defaults() {
        return new DeviceOptions(Path.of("/dev/shm"), null, Map.of());
    }

    public DeviceOptions withShmDirectory(Path dir) {
        return new DeviceOptions(dir, bindAddress, properties);
    }

    public DeviceOptions withBindAddress(String address) {
        return new DeviceOptions(shmDirectory, address, properties);
    }

    /** These options plus (or with a new value for) one provider property. */
    public DeviceOptions withProperty(String name, String value) {
        Map<String, String> p = new HashMap<>(properties);
        p.put(name, value);
        return new DeviceOptions(shmDirectory, bindAddress, p);
    }
}
