package dev.rkv.cli;

import dev.rkv.primary.PrimaryAgentOptions;
import picocli.CommandLine.Option;

/**
 * The primary agent's options, shared by {@code rkv primary-agent} and by
 * {@code rkv replica-agent --primary-agent} (a replica that serves the accelerated sync once
 * promoted): the same names and defaults in both.
 */
final class PrimaryAgentArgs {
    /** The option names, for telling a user they need {@code --primary-agent}. */
    static final String[] NAMES = {"--agent-bind", "--agent-port", "--agent-secret", "--expected-keys", "--expected-value-size", "--headroom"};

    @Option(names = "--agent-bind", defaultValue = "127.0.0.1", description = "Address of the agent's RDMA endpoint. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--agent-port", defaultValue = "0", description = "Port of the agent's RDMA endpoint (0: any free port).")
    int port;

    @Option(names = "--agent-secret", description = "Secret replicas must present (default: the server's requirepass, which replicas send as masterauth).")
    String secret;

    @Option(names = "--expected-keys", defaultValue = "0", description = "Size the first table for this many more keys (saves growing it while loading).")
    long expectedKeys;

    @Option(names = "--expected-value-size", defaultValue = "0", description = "Value bytes of those expected keys.")
    int expectedValueSize;

    @Option(names = "--headroom", defaultValue = "1.25", description = "Spare slots when the table is sized or grown, 1.0 to 4.0. Default: ${DEFAULT-VALUE}.")
    double headroom;

    /** The validated agent options for {@code provider}; a bad value is an IllegalArgumentException. */
    PrimaryAgentOptions options(String provider) {
        return new PrimaryAgentOptions(provider, bind, port, secret, headroom, expectedKeys, expectedValueSize).validate();
    }
}
