package dev.rkv.cli;

import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.config.ConfigException;
import dev.rkv.kvserver.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code rkv server [redis.conf] [--option value ...]}: runs a server in the foreground. */
@Command(name = "server", mixinStandardHelpOptions = true,
    customSynopsis = "rkv server [CONFIG_FILE] [--option value ...]",
    description = {"Run an rkv server in the foreground.",
        "Options use redis.conf names, as redis-server takes them: --port 6380 --requirepass secret ...",
        "Defaults: bind 127.0.0.1, port 6379, protected-mode yes.",
        "RESP over RDMA beside TCP: --rdma-port 6380 --rdma-provider soft|shm|disni (also --rdma-bind, --rdma-rx-size)."})
final class ServerCommand implements Callable<Integer> {
    /** Everything after "server": an optional config file, then redis.conf options as --name value. */
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        ServerConfig config = new ServerConfig();
        Path configFile = null;
        List<String> options = args;
        if (!args.isEmpty() && !args.get(0).startsWith("--")) {
            configFile = Path.of(args.get(0));
            options = args.subList(1, args.size());
        }
        try {
            if (configFile != null) {
                if (!Files.isRegularFile(configFile)) {
                    System.err.println("rkv server: config file not found: " + configFile);
                    return 2;
                }
                config.loadFile(configFile);
            }
            config.applyArgs(options);
        } catch (ConfigException | IOException e) {
            System.err.println("rkv server: " + e.getMessage());
            return 2;
        }
        try (RkvServer server = new RkvServer(config)) {
            server.start();
            SignalShutdown onSignal = SignalShutdown.install("server", server);
            server.awaitTermination();
            onSignal.serverStopped();
            return 0;
        } catch (IOException e) {
            System.err.println("rkv server: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
