package dev.rkv.rdma.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a device's region directory, which records who owns it so that a later
 * process can tell whether the owner is provably gone:
 *
 * <pre>
 * rkv-shm-&lt;pid&gt;-ns&lt;pid namespace&gt;-&lt;24 hex digits&gt;
 *          |         |                  '- random, so names are never guessed or reused
 *          |         '- inode of the owner's /proc/self/ns/pid; 0 when it could not be read
 *          '- the owner's pid, as seen in that namespace
 * </pre>
 * A pid means nothing outside its PID namespace (containers sharing /dev/shm), so the
 * namespace is part of the name. Names without it (rkv before this format) prove nothing.
 *
 * @param pid          the owner's pid in its namespace
 * @param pidNamespace the owner's PID namespace inode, 0 if unknown
 */
record ShmDirectoryName(long pid, long pidNamespace) {
    static final String PREFIX = "rkv-shm-";
    private static final Pattern FORMAT = Pattern.compile("rkv-shm-(\\d{1,18})-ns(\\d{1,18})-[0-9a-f]{24}");
    private static final Pattern NAMESPACE_LINK = Pattern.compile("pid:\\[(\\d{1,18})]");
    private static final long OWN_NAMESPACE = readOwnPidNamespace();

    /** This process: its pid and PID namespace. */
    static ShmDirectoryName ofThisProcess() {
        return new ShmDirectoryName(ProcessHandle.current().pid(), OWN_NAMESPACE);
    }

    /** The owner recorded in a directory name, if it has this format. */
    static Optional<ShmDirectoryName> parse(String fileName) {
        Matcher m = FORMAT.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ShmDirectoryName(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
    }

    /** The directory name for this owner and a random suffix of 24 hex digits. */
    String format(String randomHex) {
        return PREFIX + pid + "-ns" + pidNamespace + "-" + randomHex;
    }

    /** Whether this owner lives in the same, known, PID namespace as this process. */
    boolean inOwnPidNamespace() {
        return pidNamespace != 0 && pidNamespace == OWN_NAMESPACE;
    }

    private static long readOwnPidNamespace() {
        try {
            Matcher m = NAMESPACE_LINK.matcher(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString());
            return m.matches() ? Long.parseLong(m.group(1)) : 0;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // No /proc (not Linux, or hidden): our directories say "unknown" and are never swept.
            return 0;
        }
    }
}
