package dev.rkv.rdma.disni;

import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.ProviderUnavailableException;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaProvider;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code disni}: real verbs through IBM DiSNI 2.1. Needs an RDMA device (a NIC, or SoftRoCE),
 * libibverbs/librdmacm and DiSNI's native library libdisni on {@code java.library.path}.
 */
public final class DisniProvider implements RdmaProvider {
    public static final String NAME = "disni";

    static final String INSTALL_DISNI = "build libdisni from https://github.com/zrlio/disni (tag v2.1): "
            + "cd libdisni && ./autoprepare.sh && ./configure --with-jdk=$JAVA_HOME && make install, "
            + "then run java with -Djava.library.path=/usr/local/lib";
    static final String INSTALL_VERBS = "apt-get install rdma-core libibverbs1 librdmacm1 ibverbs-providers";
    static final String INSTALL_DEVICE = "no RDMA device in /sys/class/infiniband: install an RDMA NIC, or set up "
            + "SoftRoCE: modprobe rdma_rxe && rdma link add rxe0 type rxe netdev <eth>";

    private final Path sysfs;
    private final List<Path> libraryDirs;

    public DisniProvider() {
        this(Path.of("/sys/class/infiniband"), defaultLibraryDirs());
    }

    /** For tests: where to look for devices and native libraries. */
    DisniProvider(Path sysfs, List<Path> libraryDirs) {
        this.sysfs = sysfs;
        this.libraryDirs = libraryDirs;
    }

    static List<Path> defaultLibraryDirs() {
        List<Path> dirs = new ArrayList<>();
        for (String prop : new String[] {System.getProperty("java.library.path", ""),
                System.getenv().getOrDefault("LD_LIBRARY_PATH", "")}) {
            for (String d : prop.split(File.pathSeparator)) {
                if (!d.isBlank()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        for (String d : new String[] {"/usr/local/lib", "/usr/lib", "/usr/lib64", "/usr/lib/x86_64-linux-gnu",
                "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu"}) {
            dirs.add(Path.of(d));
        }
        return dirs;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        List<String> missing = new ArrayList<>();
        List<String> verbs = new ArrayList<>();
        for (String lib : new String[] {"libibverbs", "librdmacm"}) {
            if (findLibrary(lib + ".so") == null) {
                verbs.add(lib);
            }
        }
        if (!verbs.isEmpty()) {
            missing.add(String.join(" and ", verbs) + " not found (" + INSTALL_VERBS + ")");
        }
        Path disni = findLibrary("libdisni.so");
        if (disni == null) {
            missing.add("libdisni not found on java.library.path or in the system library directories (" + INSTALL_DISNI
                    + ")");
        }
        List<String> devices = devices();
        if (devices.isEmpty()) {
            missing.add(INSTALL_DEVICE);
        }
        if (!missing.isEmpty()) {
            return Availability.no(String.join("; ", missing));
        }
        return Availability.yes("RDMA devices " + devices + ", libdisni at " + disni);
    }

    /** RDMA devices the kernel knows, e.g. [mlx5_0, rxe0]. */
    List<String> devices() {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(sysfs)) {
            return names;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(sysfs)) {
            for (Path p : ds) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            return names;
        }
        return names;
    }

    /** The first file named {@code base} or {@code base.*} in the library directories, or null. */
    Path findLibrary(String base) {
        for (Path d : libraryDirs) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, base + "*")) {
                for (Path p : ds) {
                    return p;
                }
            } catch (IOException e) {
                // an unreadable directory cannot hold the library for us; keep looking
                continue;
            }
        }
        return null;
    }

    @Override
    public RdmaDevice open(DeviceOptions options) {
        Availability a = availability();
        if (!a.available()) {
            throw new ProviderUnavailableException("disni cannot run here: " + a.detail());
        }
        try {
            return new DisniDevice(options);
        } catch (IOException | UnsatisfiedLinkError e) {
            throw new ProviderUnavailableException("disni: opening the RDMA device failed: " + e + " (" + INSTALL_DISNI
                    + ")", e);
        }
    }
}
