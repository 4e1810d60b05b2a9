package dev.rkv.cli;

import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.config.ServerConfig;
import dev.rkv.rdma.RdmaException;
import dev.rkv.replica.ReplicaAgent;
import dev.rkv.replica.ReplicaAgentOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code rkv replica-agent}: a server with a replica agent, in the foreground. */
@Command(name = "replica-agent", mixinStandardHelpOptions = true, sortOptions = false,
    customSynopsis = "rkv replica-agent [agent options] [CONFIG_FILE] [--server-option value ...]",
    description = {"Run an rkv server with a replica agent: a full sync of a link with the rdma transport "
        + "(REPLICAOF host port RDMA, or --repl-sync-transport rdma) pulls the primary's table with RDMA READ.",
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

    /** Everything else: an optional redis.conf file, then server options as --name value. */
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        ReplicaAgentOptions agentOptions;
        ServerConfig config;
        try {
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
                System.err.println("rkv replica-agent: server on port " + server.port() + ", pulls with " + agent.transportName());
                server.awaitTermination();
                onSignal.serverStopped();
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
