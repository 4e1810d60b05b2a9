package dev.rkv.cli;

import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.config.ServerConfig;
import dev.rkv.primary.PrimaryAgent;
import dev.rkv.primary.PrimaryAgentOptions;
import dev.rkv.rdma.RdmaException;
import dev.rkv.replica.ReplicaAgent;
import dev.rkv.replica.ReplicaAgentOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rkv replica-agent}: a server with a replica agent, in the foreground; with
 * {@code --primary-agent} a primary agent too, so that once promoted (REPLICAOF NO ONE, a
 * Sentinel failover) its replicas full-sync from it by RDMA READ as from {@code rkv primary-agent}.
 */
@Command(name = "replica-agent", mixinStandardHelpOptions = true, sortOptions = false,
    customSynopsis = "rkv replica-agent [agent options] [--primary-agent [primary agent options]] [CONFIG_FILE] [--server-option value ...]",
    description = {"Run an rkv server with a replica agent: a full sync of a link with the rdma transport "
        + "(REPLICAOF host port RDMA, or --repl-sync-transport rdma) pulls the primary's table with RDMA READ.",
        "With --primary-agent it also keeps its keyspace in a mapping table registered with the same provider, as "
            + "'rkv primary-agent' does: refused while it is a replica, served once it is promoted (REPLICAOF NO ONE, a "
            + "Sentinel failover), so that its own replicas can still pull by RDMA READ. Run every server that may be "
            + "promoted this way. The --agent-* options, --expected-* and --headroom are the primary agent's.",
        "Server options follow, with redis.conf names: --port 6380 --masterauth secret ..."})
final class ReplicaAgentCommand implements Callable<Integer> {
    @Option(names = "--provider", defaultValue = "soft", description = "RDMA provider, the primary agent's: soft, shm or disni. Default: ${DEFAULT-VALUE}.")
    String provider;

    @Option(names = "--endpoints", defaultValue = "2", description = "Endpoints to pull over at once, 1-16. Default: ${DEFAULT-VALUE}.")
    int endpoints;

    @Option(names = "--read-size", defaultValue = "1048576", description = "Bytes per READ, 4096 to 64 MiB. Default: ${DEFAULT-VALUE}.")
    int readSize;

    @Option(names = "--outstanding", defaultValue = "8", description = "READs outstanding per endpoint, 1-256. Default: ${DEFAULT-VALUE}.")
    int outstanding;

    @Option(names = "--sync-from", paramLabel = "HOST:PORT", description = "Start as a replica of this primary, syncing over RDMA.")
    String syncFrom;

    @Option(names = "--table-copy-dir", paramLabel = "DIR|none", description = "Where the replica keeps its copy of the pulled table, "
        + "which its strings are served from (a tmpfs directory; the file is unlinked at once), or none to copy every value onto "
        + "the heap. Default: /dev/shm where there is one.")
    String tableCopyDir;

    @Option(names = "--primary-agent", description = "Also run a primary agent (the table is served once this server is promoted).")
    boolean primaryAgent;

    @Mixin
    PrimaryAgentArgs agentArgs;

    @Spec
    CommandSpec spec;

    /** Everything else: an optional redis.conf file, then server options as --name value. */
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        ReplicaAgentOptions agentOptions;
        PrimaryAgentOptions primaryOptions = null;
        ServerConfig config;
        try {
            if (primaryAgent) {
                primaryOptions = agentArgs.options(provider);
            } else {
                for (String name : PrimaryAgentArgs.NAMES) {
                    if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
                        throw new IllegalArgumentException(name + " is a primary agent's option: add --primary-agent");
                    }
                }
            }
            agentOptions = new ReplicaAgentOptions(provider, endpoints, readSize, outstanding, 1000, 10_000, 5);
            if (tableCopyDir != null) {
                agentOptions = agentOptions.withTableCopyDirectory(tableCopyDir.equals("none") ? null : Path.of(tableCopyDir));
            }
            agentOptions = agentOptions.validate();
            String problem = ServerArgs.providerProblem(provider);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            boolean file = !args.isEmpty() && !args.get(0).startsWith("--");
            config = ServerArgs.config(file ? Path.of(args.get(0)) : null, file ? args.subList(1, args.size()) : args);
            if (syncFrom != null) {
                String[] hp = HostPort.parse(syncFrom, "--sync-from");
                config.set("replicaof", hp[0] + " " + hp[1] + " rdma");
            }
        } catch (IllegalArgumentException | dev.rkv.kvserver.config.ConfigException e) {
            System.err.println("rkv replica-agent: " + e.getMessage());
            return 2;
        }
        try (RkvServer server = new RkvServer(config)) {
            try (ReplicaAgent agent = ReplicaAgent.attach(server, agentOptions)) {
                server.start();
                SignalShutdown onSignal = SignalShutdown.install("replica-agent", server);
                onSignal.closeAgentFirst(agent);
                try (PrimaryAgent promoted = primaryOptions == null ? null : PrimaryAgent.attach(server, primaryOptions)) {
                    String serves = "";
                    if (promoted != null) {
                        // The primary agent detaches through the event loop: first, while the replica agent still stands.
                        onSignal.closeAgentFirst(() -> {
                            try (agent) {
                                promoted.close();
                            }
                        });
                        serves = ", table registered with " + provider + " (served once promoted), RDMA endpoint "
                            + primaryOptions.bindHost() + ":" + promoted.rdmaPort();
                    }
                    System.err.println("rkv replica-agent: server on port " + server.port() + ", pulls with " + agent.transportName() + serves);
                    server.awaitTermination();
                    onSignal.serverStopped();
                }
            }
            return 0;
        } catch (IOException | RdmaException e) {
            System.err.println("rkv replica-agent: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
