package dev.rkv.cli;

import dev.rkv.experiments.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.SafeEncoder;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code rkv replicaof}: tells a running replica to sync from a primary, and shows the sync's progress. */
@Command(name = "replicaof", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Tell a running rkv server to replicate a primary (REPLICAOF host port RDMA|TCP) and follow the full sync "
        + "with a progress bar until the link is up. 'rkv replicaof no one' promotes it back to a primary."})
final class ReplicaofCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MASTER_HOST", description = "The primary's host, or 'no' (with 'one').")
    String masterHost;

    @Parameters(index = "1", paramLabel = "MASTER_PORT", description = "The primary's port, or 'one'.")
    String masterPort;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "The replica's host. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "6379", description = "The replica's port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = {"-a", "--password"}, description = "The replica's requirepass.")
    String password;

    @Option(names = "--transport", defaultValue = "rdma", description = "Full-sync transport: rdma (the replica's agent pulls the table) or tcp (classic). Default: ${DEFAULT-VALUE}.")
    String transport;

    @Option(names = "--no-wait", description = "Return once the replica accepted the command.")
    boolean noWait;

    @Option(names = "--timeout", defaultValue = "600", description = "Seconds to wait for the sync. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        boolean promote = masterHost.equalsIgnoreCase("no") && masterPort.equalsIgnoreCase("one");
        try {
            if (!promote) {
                HostPort.port(masterPort, "MASTER_PORT");
            }
            HostPort.port(Integer.toString(port), "--port");
            String t = transport.toLowerCase(Locale.ROOT);
            if (!t.equals("rdma") && !t.equals("tcp")) {
                throw new IllegalArgumentException("--transport must be rdma or tcp, was '" + transport + "'");
            }
            if (timeoutSeconds < 1) {
                throw new IllegalArgumentException("--timeout must be at least 1 second, was " + timeoutSeconds);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("rkv replicaof: " + e.getMessage());
            return 2;
        }
        try (Jedis j = new Jedis(host, port, 10_000)) {
            if (password != null) {
                j.auth(password);
            }
            Object reply = promote
                ? j.sendCommand(Protocol.Command.REPLICAOF, "NO", "ONE")
                : j.sendCommand(Protocol.Command.REPLICAOF, masterHost, masterPort, transport.toUpperCase(Locale.ROOT));
            System.out.println(SafeEncoder.encode((byte[]) reply));
            if (promote || noWait) {
                return 0;
            }
            return follow(j);
        } catch (JedisException e) {
            System.err.println("rkv replicaof: " + host + ":" + port + ": " + e.getMessage());
            return 1;
        }
    }

    private int follow(Jedis j) throws InterruptedException {
        ProgressBar bar = new ProgressBar(System.err, "sync");
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        Thread.sleep(50);
        while (System.nanoTime() < deadline) {
            Map<String, String> info = info(j.info("replication"));
            if ("up".equals(info.get("master_link_status")) && "0".equals(info.get("master_sync_in_progress"))) {
                bar.done(info.getOrDefault("master_last_sync_transport", "?") + ", " + info.getOrDefault("master_last_sync_keys", "?")
                    + " keys");
                System.out.println("synced over " + info.getOrDefault("master_last_sync_transport", "?") + " in "
                    + info.getOrDefault("master_last_sync_duration_ms", "?") + " ms: " + info.getOrDefault("master_last_sync_keys", "?")
                    + " keys, " + info.getOrDefault("master_last_sync_bytes", "?") + " bytes");
                return 0;
            }
            long total = parse(info.get("master_sync_total_bytes"));
            long read = parse(info.get("master_sync_read_bytes"));
            bar.update(total > 0 ? (double) read / total : 0, ProgressBar.mb(read) + " / " + (total > 0 ? ProgressBar.mb(total) : "?")
                + ", " + info.getOrDefault("master_sync_keys_loaded", "0") + " keys");
            Thread.sleep(100);
        }
        System.err.println();
        System.err.println("rkv replicaof: no sync within " + timeoutSeconds + " s");
        return 1;
    }

    private static long parse(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Map<String, String> info(String text) {
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\r?\n")) {
            int c = line.indexOf(':');
            if (c > 0) {
                m.put(line.substring(0, c), line.substring(c + 1).trim());
            }
        }
        return m;
    }
}
