package dev.rkv.kvserver.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;

/** Addresses of this machine, for tests of what non-loopback clients may do. */
public final class Addresses {
    private Addresses() {
    }

    /** An IPv4 address of an interface that is up and not loopback or link-local; null if there is none. */
    public static String nonLoopbackIpv4() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a.getHostAddress();
                }
            }
        }
        return null;
    }
}
