package dev.rkv.rdma;

import dev.rkv.rdma.disni.DisniProvider;
import dev.rkv.rdma.shm.ShmProvider;
import dev.rkv.rdma.soft.SoftProvider;

import java.util.List;
import java.util.Locale;

/** The registry of built-in providers, by name. */
public final class Providers {

    private static final List<RdmaProvider> ALL = List.of(new SoftProvider(), new ShmProvider(), new DisniProvider());

    private Providers() {
    }

    /** Every built-in provider: soft, shm, disni. */
    public static List<RdmaProvider> all() {
        return ALL;
    }

    /** The names of {@link #all()}. */
    public static List<String> names() {
        return ALL.stream().map(RdmaProvider::name).toList();
    }

    /**
     * The provider called {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the known providers if there is none
     */
    public static RdmaProvider byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (RdmaProvider p : ALL) {
            if (p.name().equals(n)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown RDMA provider '" + name + "', known: " + names());
    }

    /** Opens a device of the named provider with default options. */
    public static RdmaDevice open(String name) {
        return byName(name).open(DeviceOptions.defaults());
    }

    /** Opens a device of the named provider. */
    public static RdmaDevice open(String name, DeviceOptions options) {
        return byName(name).open(options);
    }
}
