package dev.rkv.rdma.soft;

import java.time.Duration;
import java.util.Map;

/**
 * What one listener of the soft engine ({@code soft}, {@code shm}) lets peers hold, so that no
 * peer can exhaust it. Set through {@link dev.rkv.rdma.DeviceOptions#properties()} under the
 * names below, validated once when the device opens.
 *
 * @param maxEndpoints     {@value #MAX_ENDPOINTS}: connections a listener holds at once past
 *                         the handshake (waiting for accept, or accepted and still connected);
 *                         a peer over the limit is refused with the reason. Endpoints whose peer
 *                         went away stop counting as soon as their connections close.
 * @param maxHandshakes    {@value #MAX_HANDSHAKES}: connections still in the handshake (hello
 *                         not complete, or waiting for the second connection); when a new one
 *                         arrives at the limit the oldest is dropped, so idle or slow peers
 *                         cannot keep a prompt one out.
 * @param handshakeTimeout {@value #HANDSHAKE_TIMEOUT_MS}: the whole handshake must arrive within
 *                         this (not per byte), and a ready connection the application has not
 *                         accepted within it is refused.
 * @param idleTimeout      {@value #IDLE_TIMEOUT_MS}: an accepted endpoint that receives nothing
 *                         for this long is moved to ERROR and its connections closed; zero (the
 *                         default, as Redis's {@code timeout 0}) never does. shm READ/WRITE do
 *                         not travel over the connection, so for shm set it above the longest
 *                         run of one-sided work.
 * @param tcpKeepalive     {@value #TCP_KEEPALIVE_S}: TCP keepalive on accepted connections, as
 *                         Redis's {@code tcp-keepalive}, so an endpoint whose peer host vanished
 *                         without a FIN is found and reaped; zero turns it off.
 */
public record ListenerLimits(int maxEndpoints, int maxHandshakes, Duration handshakeTimeout, Duration idleTimeout,
                             Duration tcpKeepalive) {
    public static final String MAX_ENDPOINTS = "listener.max-endpoints";
    public static final String MAX_HANDSHAKES = "listener.max-handshakes";
    public static final String HANDSHAKE_TIMEOUT_MS = "listener.handshake-timeout-ms";
    public static final String IDLE_TIMEOUT_MS = "listener.idle-timeout-ms";
    public static final String TCP_KEEPALIVE_S = "listener.tcp-keepalive-s";

    private static final String PREFIX = "listener.";
    private static final int LIMIT_MAX = 1 << 16;
    private static final long MILLIS_MAX = Duration.ofDays(1).toMillis();
    private static final long SECONDS_MAX = Duration.ofDays(1).toSeconds();

    public ListenerLimits {
        check(MAX_ENDPOINTS, maxEndpoints, 1, LIMIT_MAX);
        check(MAX_HANDSHAKES, maxHandshakes, 1, LIMIT_MAX);
        check(HANDSHAKE_TIMEOUT_MS, handshakeTimeout.toMillis(), 1, MILLIS_MAX);
        check(IDLE_TIMEOUT_MS, idleTimeout.toMillis(), 0, MILLIS_MAX);
        check(TCP_KEEPALIVE_S, tcpKeepalive.toSeconds(), 0, SECONDS_MAX);
    }

    /**
     * Defaults: 256 endpoints (each costs three threads and two sockets), 64 handshakes in
     * flight, a 10 s handshake, no idle timeout, keepalive every 300 s.
     */
    public static ListenerLimits defaults() {
        return new ListenerLimits(256, 64, Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(300));
    }

    /**
     * The limits named in {@code properties} over the defaults; other providers' properties
     * are ignored, but an unknown {@code listener.*} name is refused as a likely typo.
     *
     * @throws IllegalArgumentException naming the property, its value and what is allowed
     */
    public static ListenerLimits from(Map<String, String> properties) {
        ListenerLimits d = defaults();
        for (String name : properties.keySet()) {
            if (name.startsWith(PREFIX) && !name.equals(MAX_ENDPOINTS) && !name.equals(MAX_HANDSHAKES)
                    && !name.equals(HANDSHAKE_TIMEOUT_MS) && !name.equals(IDLE_TIMEOUT_MS)
                    && !name.equals(TCP_KEEPALIVE_S)) {
                throw new IllegalArgumentException("unknown listener option '" + name + "'; known: " + MAX_ENDPOINTS
                        + ", " + MAX_HANDSHAKES + ", " + HANDSHAKE_TIMEOUT_MS + ", " + IDLE_TIMEOUT_MS + ", "
                        + TCP_KEEPALIVE_S);
            }
        }
        return new ListenerLimits(
                (int) number(properties, MAX_ENDPOINTS, d.maxEndpoints, 1, LIMIT_MAX),
                (int) number(properties, MAX_HANDSHAKES, d.maxHandshakes, 1, LIMIT_MAX),
                Duration.ofMillis(number(properties, HANDSHAKE_TIMEOUT_MS, d.handshakeTimeout.toMillis(), 1, MILLIS_MAX)),
                Duration.ofMillis(number(properties, IDLE_TIMEOUT_MS, d.idleTimeout.toMillis(), 0, MILLIS_MAX)),
                Duration.ofSeconds(number(properties, TCP_KEEPALIVE_S, d.tcpKeepalive.toSeconds(), 0, SECONDS_MAX)));
    }

    private static long number(Map<String, String> properties, String name, long fallback, long min, long max) {
        String v = properties.get(name);
        if (v == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listener option " + name + " must be an integer, got '" + v + "'", e);
        }
        check(name, n, min, max);
        return n;
    }

    private static void check(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("listener option " + name + " = " + value + " not in [" + min + ", "
                    + max + "]");
        }
    }
}
