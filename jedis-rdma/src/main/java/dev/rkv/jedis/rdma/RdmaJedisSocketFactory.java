package dev.rkv.jedis.rdma;

import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.resprdma.RespRdmaChannel;
import dev.rkv.resprdma.RespRdmaOptions;
import dev.rkv.resprdma.RespRdmaStreams;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Jedis over RDMA: a {@link JedisSocketFactory} whose sockets are RESP-over-RDMA connections
 * (the Valkey-over-RDMA protocol) to one server. Jedis takes a socket factory wherever it makes
 * connections, so unchanged Jedis code runs over it:
 *
 * <pre>{@code
 * try (RdmaJedisSocketFactory rdma = RdmaJedisSocketFactory.open("shm", new HostAndPort("127.0.0.1", 6380))) {
 *     Jedis jedis = new Jedis(rdma);                                     // or new Jedis(rdma, clientConfig)
 *     JedisPooled pooled = new JedisPooled(poolConfig, rdma, clientConfig);
 * }
 * }</pre>
 *
 * The client config's socket timeout becomes each socket's read timeout ({@code SO_TIMEOUT}, which
 * Jedis reads back from the socket and also sets to its blocking-command timeout), its connection
 * timeout the RDMA connect timeout; user, password, database and client name are Jedis's business
 * and work as over TCP (pass the same config to Jedis). Thread-safe: a pool calls it from many
 * threads.
 */
public final class RdmaJedisSocketFactory implements JedisSocketFactory, AutoCloseable {
    private final RdmaDevice device;
    private final boolean ownsDevice;
    private final HostAndPort address;
    private final int socketTimeoutMillis;
    private final RespRdmaOptions options;

    /**
     * A factory on a device the caller opened and closes (after every socket made here is closed).
     *
     * @param config  socket timeout (read timeout, 0 = none) and connection timeout (0 = the options' own)
     * @param options receive buffer size, keepalive ... of each connection
     */
    public RdmaJedisSocketFactory(RdmaDevice device, HostAndPort address, JedisClientConfig config,
                                  RespRdmaOptions options) {
        this(device, false, address, config, options);
    }

    private RdmaJedisSocketFactory(RdmaDevice device, boolean ownsDevice, HostAndPort address,
                                   JedisClientConfig config, RespRdmaOptions options) {
        this.device = Objects.requireNonNull(device, "device");
        this.ownsDevice = ownsDevice;
        this.address = Objects.requireNonNull(address, "address");
        if (config.getSocketTimeoutMillis() < 0 || config.getConnectionTimeoutMillis() < 0) {
            throw new IllegalArgumentException("negative timeout: socket " + config.getSocketTimeoutMillis()
                    + " ms, connection " + config.getConnectionTimeoutMillis() + " ms");
        }
        this.socketTimeoutMillis = config.getSocketTimeoutMillis();
        this.options = config.getConnectionTimeoutMillis() == 0 ? options
                : options.withConnectTimeout(Duration.ofMillis(config.getConnectionTimeoutMillis()));
    }

    /**
     * A factory on its own device of the named provider ({@code soft}, {@code shm} or {@code disni}),
     * closed with the factory; Jedis's default timeouts (2 s) and 1 MiB receive buffers.
     *
     * @throws IllegalArgumentException for an unknown provider name
     */
    public static RdmaJedisSocketFactory open(String provider, HostAndPort address) {
        return open(provider, address, DefaultJedisClientConfig.builder().build(), RespRdmaOptions.defaults());
    }

    /** As {@link #open(String, HostAndPort)}, with the timeouts of {@code config} and these channel options. */
    public static RdmaJedisSocketFactory open(String provider, HostAndPort address, JedisClientConfig config,
                                              RespRdmaOptions options) {
        RdmaDevice device = Providers.open(provider);
        try {
            return new RdmaJedisSocketFactory(device, true, address, config, options);
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
    }

    /**
     * Connects a new RDMA socket to the server, with the read timeout set.
     *
     * @throws JedisConnectionException if the server refuses, does not answer in time, or breaks the protocol
     */
    @Override
    public Socket createSocket() throws JedisConnectionException {
        RespRdmaChannel channel;
        try {
            channel = RespRdmaChannel.connect(device, address.getHost(), address.getPort(), options);
        } catch (IOException e) {
            throw new JedisConnectionException("Failed to connect to " + address + " over RDMA ("
                    + device.provider() + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // the device refused to make an endpoint (closed device, out of resources)
            throw new JedisConnectionException("Failed to connect to " + address + " over RDMA ("
                    + device.provider() + "): " + e, e);
        }
        RespRdmaStreams streams = RespRdmaStreams.of(channel);
        try {
            RdmaSocket socket = new RdmaSocket(streams);
            socket.setSoTimeout(socketTimeoutMillis);
            return socket;
        } catch (IOException | RuntimeException e) {
            streams.close();
            throw new JedisConnectionException("Failed to set up the RDMA socket to " + address, e);
        }
    }

    /** The server this factory connects to. */
    public HostAndPort address() {
        return address;
    }

    /** The RDMA provider ("soft", "shm", "disni"). */
    public String provider() {
        return device.provider();
    }

    /** Closes the device if this factory opened it ({@link #open}); sockets still open then break. */
    @Override
    public void close() {
        if (ownsDevice) {
            device.close();
        }
    }

    @Override
    public String toString() {
        return "RdmaJedisSocketFactory[" + device.provider() + " " + address + "]";
    }
}
