package dev.rkv.cli;

import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.config.ServerConfig;
import dev.rkv.primary.PrimaryAgent;
import dev.rkv.primary.PrimaryAgentOptions;
import dev.rkv.rdma.RdmaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code rkv primary-agent}: a server paired with a primary agent, in the foreground. */
@Command(name = "primary-agent", mixinStandardHelpOptions = true, sortOptions = false,
    customSynopsis = "rkv primary-agent [agent options] [CONFIG_FILE] [--server-option value ...]",
    description = {"Run an rkv server with a primary agent: the data is kept in a mapping table registered with an RDMA "
        + "provider, and replicas started with 'rkv replica-agent' pull it with RDMA READ (REPLICAOF host port RDMA).",
        "Server options follow, with redis.conf names: --port 6379 --requirepass secret ..."})
final class PrimaryAgentCommand implements Callable<Integer> {
    @Option(names = "--provider", defaultValue = "soft", description = "RDMA provider: soft (TCP, any host), shm (same host), disni (RDMA NIC). Default: ${DEFAULT-VALUE}.")
    String provider;

    @Mixin
    PrimaryAgentArgs agentArgs;

    /** Everything else: an optional redis.conf file, then server options as --name value. */
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        PrimaryAgentOptions agentOptions;
        ServerConfig config;
        try {
            agentOptions = agentArgs.options(provider);
            String problem = ServerArgs.providerProblem(provider);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            boolean file = !args.isEmpty() && !args.get(0).startsWith("--");
            config = ServerArgs.config(file ? Path.of(args.get(0)) : null, file ? args.subList(1, args.size()) : args);
        } catch (IllegalArgumentException e) {
            System.err.println("rkv primary-agent: " + e.getMessage());
            return 2;
        }
        try (RkvServer server = new RkvServer(config)) {
            server.start();
            SignalShutdown onSignal = SignalShutdown.install("primary-agent", server);
            try (PrimaryAgent agent = PrimaryAgent.attach(server, agentOptions)) {
                onSignal.closeAgentFirst(agent);
                System.err.println("rkv primary-agent: server on port " + server.port() + ", table registered with " + provider
                    + ", RDMA endpoint " + agentOptions.bindHost() + ":" + agent.rdmaPort());
                server.awaitTermination();
                onSignal.serverStopped();
            }
            return 0;
        } catch (IOException | RdmaException e) {
            System.err.println("rkv primary-agent: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
