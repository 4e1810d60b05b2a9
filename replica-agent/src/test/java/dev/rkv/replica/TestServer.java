package dev.rkv.replica;

import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.config.ServerConfig;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** An in-process rkv server on a free loopback port (options as "--name value" pairs). */
final class TestServer implements AutoCloseable {
    final RkvServer server;

    private TestServer(RkvServer server) {
        this.server = server;
    }

    static TestServer start(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--save", "", "--loglevel", "warning"));
        args.addAll(List.of(options));
        ServerConfig config = new ServerConfig();
        config.applyArgs(args);
        return new TestServer(new RkvServer(config).start());
    }

    int port() {
        return server.port();
    }

    Jedis jedis() {
        return new Jedis("127.0.0.1", port(), 10_000);
    }

    <T> T call(Callable<T> task) throws Exception {
        return server.call(task);
    }

    @Override
    public void close() {
        server.close();
    }
}
