package dev.rkv.kvserver.net;

import java.util.ArrayList;
import java.util.List;

/**
 * One address of a {@code bind} (or {@code rdma-bind}) value, as Redis reads it: a leading
 * {@code -} makes the address optional (skipped when it cannot be bound), {@code *} means every
 * IPv4 address and {@code ::*} every IPv6 address.
 */
public record BindAddress(String host, boolean optional) {

    /** The addresses of a space-separated bind value, in order. */
    public static List<BindAddress> parseAll(String bind) {
        List<BindAddress> out = new ArrayList<>();
        for (String spec : bind.trim().split("\\s+")) {
            boolean optional = spec.startsWith("-");
            String host = optional ? spec.substring(1) : spec;
            if (host.equals("*")) {
                host = "0.0.0.0";
            } else if (host.equals("::*")) {
                host = "::";
            }
            out.add(new BindAddress(host, optional));
        }
        return out;
    }
}
