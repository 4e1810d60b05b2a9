package dev.rkv.replica;

import dev.rkv.rdma.RemoteRegion;

import java.util.HashMap;
import java.util.Map;

/**
 * A primary agent's descriptor as a replica reads it: {@code name=value} lines (see the
 * primary agent's {@code AgentDescriptor} for the format).
 */
public record Descriptor(String provider, String host, int port, RemoteRegion region, long epoch, String replid, long offset,
                         int streamDb, String geometry) {

    /**
     * Parses a descriptor; {@code fallbackHost} replaces a wildcard host (0.0.0.0, ::).
     *
     * @throws IllegalArgumentException naming the field when one is missing or malformed
     */
    public static Descriptor parse(String text, String fallbackHost) {
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        String version = m.get("rkv-descriptor");
        if (!"1".equals(version)) {
            throw new IllegalArgumentException("descriptor version must be 1, was " + version);
        }
        String host = field(m, "host");
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("*")) {
            host = fallbackHost;
        }
        return new Descriptor(field(m, "provider"), host, (int) number(m, "port"),
            new RemoteRegion(number(m, "address"), number(m, "length"), (int) number(m, "rkey")), number(m, "epoch"),
            field(m, "replid"), number(m, "offset"), m.containsKey("streamdb") ? (int) number(m, "streamdb") : -1,
            m.getOrDefault("geometry", ""));
    }

    /** The same descriptor naming another rkey (tests: a replica with a wrong key is refused). */
    public Descriptor withRkey(int rkey) {
        return new Descriptor(provider, host, port, new RemoteRegion(region.address(), region.length(), rkey), epoch, replid, offset,
            streamDb, geometry);
    }

    private static String field(Map<String, String> m, String name) {
        String v = m.get(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("descriptor has no " + name);
        }
        return v;
    }

    private static long number(Map<String, String> m, String name) {
        String v = field(m, name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("descriptor field " + name + " must be a number, was '" + v + "'", e);
        }
    }
}
