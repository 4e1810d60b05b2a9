package dev.rkv.primary;

import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.Providers;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a primary agent, validated once by {@link #validate()}.
 *
 * @param provider     RDMA provider the table is registered with: soft, shm or disni
 * @param bindHost     address the RDMA listener binds, and that the descriptor names
 *                     (0.0.0.0: replicas use the host they reached the server at)
 * @param port         RDMA listener port, 0 for any free port
 * @param secret       the replication secret replicas present; null: the server's
 *                     requirepass (what replicas send as masterauth); empty: none
 * @param headroom     spare slots per class when the table is sized or grown (at least 1.0)
 * @param expectedKeys keys to size the first table for beside those already present
 *                     (0: size from the keyspace alone)
 * @param expectedValueBytes value size of those expected keys
 * @param deviceProperties   provider properties the agent opens its device with; for soft and
 *                           shm the RDMA listener's limits ({@code listener.max-endpoints},
 *                           {@code listener.max-handshakes}, {@code listener.handshake-timeout-ms} ...,
 *                           see rdma/README.md), checked by the provider when the agent attaches;
 *                           empty: the provider's defaults
 */
public record PrimaryAgentOptions(String provider, String bindHost, int port, String secret, double headroom, long expectedKeys,
                                  int expectedValueBytes, Map<String, String> deviceProperties) {

    public PrimaryAgentOptions {
        deviceProperties = Map.copyOf(Objects.requireNonNull(deviceProperties, "deviceProperties"));
    }

    /** Settings with the provider's default device properties. */
    public PrimaryAgentOptions(String provider, String bindHost, int port, String secret, double headroom, long expectedKeys,
                               int expectedValueBytes) {
        this(provider, bindHost, port, secret, headroom, expectedKeys, expectedValueBytes, Map.of());
    }

    public static PrimaryAgentOptions defaults() {
        return new PrimaryAgentOptions("soft", "127.0.0.1", 0, null, 1.25, 0, 0);
    }

    /** These options plus (or with a new value for) one device property, such as {@code listener.max-handshakes}. */
    public PrimaryAgentOptions withDeviceProperty(String name, String value) {
        Map<String, String> p = new HashMap<>(deviceProperties);
        p.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new PrimaryAgentOptions(provider, bindHost, port, secret, headroom, expectedKeys, expectedValueBytes, p);
    }

    /** The options the agent opens its device with. */
    public DeviceOptions deviceOptions() {
        DeviceOptions o = DeviceOptions.defaults();
        for (Map.Entry<String, String> e : deviceProperties.entrySet()) {
            o = o.withProperty(e.getKey(), e.getValue());
        }
        return o;
    }

    public PrimaryAgentOptions withProvider(String p) {
        return new PrimaryAgentOptions(p, bindHost, port, secret, headroom, expectedKeys, expectedValueBytes, deviceProperties);
    }

    public PrimaryAgentOptions withBind(String host, int p) {
        return new PrimaryAgentOptions(provider, host, p, secret, headroom, expectedKeys, expectedValueBytes, deviceProperties);
    }

    public PrimaryAgentOptions withSecret(String s) {
        return new PrimaryAgentOptions(provider, bindHost, port, s, headroom, expectedKeys, expectedValueBytes, deviceProperties);
    }

    public PrimaryAgentOptions withExpected(long keys, int valueBytes) {
        return new PrimaryAgentOptions(provider, bindHost, port, secret, headroom, keys, valueBytes, deviceProperties);
    }

    public PrimaryAgentOptions withHeadroom(double h) {
        return new PrimaryAgentOptions(provider, bindHost, port, secret, h, expectedKeys, expectedValueBytes, deviceProperties);
    }

    /**
     * @throws IllegalArgumentException naming the option, the limit and the value
     */
    public PrimaryAgentOptions validate() {
        Objects.requireNonNull(provider, "provider");
        if (!Providers.names().contains(provider)) {
            throw new IllegalArgumentException("provider must be one of " + Providers.names() + ", was '" + provider + "'");
        }
        if (bindHost == null || bindHost.isBlank()) {
            throw new IllegalArgumentException("bind host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("agent port must be between 0 and 65535, was " + port);
        }
        if (!(headroom >= 1.0 && headroom <= 4.0)) {
            throw new IllegalArgumentException("headroom must be between 1.0 and 4.0, was " + headroom);
        }
        if (expectedKeys < 0) {
            throw new IllegalArgumentException("expected keys must be at least 0, was " + expectedKeys);
        }
        if (expectedValueBytes < 0) {
            throw new IllegalArgumentException("expected value size must be at least 0, was " + expectedValueBytes);
        }
        return this;
    }
}
