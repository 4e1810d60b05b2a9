package dev.rkv.cli;

import dev.rkv.kvserver.config.ConfigException;
import dev.rkv.kvserver.config.ServerConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Builds a server configuration from an optional redis.conf file and "--name value" options, as {@code rkv server} does. */
final class ServerArgs {
    private ServerArgs() {
    }

    /** @throws IllegalArgumentException with a message naming the file or the option */
    static ServerConfig config(Path file, List<String> options) {
        ServerConfig config = new ServerConfig();
        try {
            if (file != null) {
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("config file not found: " + file);
                }
                config.loadFile(file);
            }
            config.applyArgs(options);
        } catch (ConfigException | IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return config;
    }

    /** Whether a provider can run here; the reason (and how to fix it) when not. */
    static String providerProblem(String provider) {
        try {
            var a = dev.rkv.rdma.Providers.byName(provider).availability();
            return a.available() ? null : "provider " + provider + " cannot run here: " + a.detail();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
