package dev.rkv.replica;

import dev.rkv.rdma.RemoteRegion;
import dev.rkv.table.TableGeometry;
import dev.rkv.table.layout.TableHeaderDescriptor;

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
        // Every number comes from the peer: each is checked against what it can mean before anything uses it.
        int port = (int) number(m, "port", 1, 65535);
        long length = number(m, "length", TableHeaderDescriptor.HEADER_LENGTH, TableGeometry.MAX_TABLE_LENGTH);
        long address = number(m, "address", 0, Long.MAX_VALUE - length);
        // A 32-bit key: agents print it signed, verbs documents it unsigned; both spellings are fine.
        int rkey = (int) number(m, "rkey", Integer.MIN_VALUE, 0xFFFF_FFFFL);
        return new Descriptor(field(m, "provider"), host, port, new RemoteRegion(address, length, rkey), number(m, "epoch", 0, Long.MAX_VALUE),
            replid(m), number(m, "offset", 0, Long.MAX_VALUE), m.containsKey("streamdb") ? (int) number(m, "streamdb", -1, Integer.MAX_VALUE) : -1,
            m.getOrDefault("geometry", ""));
    }

    private static String replid(Map<String, String> m) {
        String v = field(m, "replid");
        if (v.length() != TableHeaderDescriptor.REPLID_LENGTH || !v.chars().allMatch(ch -> ch > 0x20 && ch < 0x7F)) {
            throw new IllegalArgumentException("descriptor field replid must be " + TableHeaderDescriptor.REPLID_LENGTH
                + " printable characters, was '" + v + "'");
        }
        return v;
    }

    private static long number(Map<String, String> m, String name, long min, long max) {
        long v = number(m, name);
        if (v < min || v > max) {
            throw new IllegalArgumentException("descriptor field " + name + " must be between " + min + " and " + max + ", was " + v);
        }
        return v;
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
