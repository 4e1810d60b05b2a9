package dev.rkv.kvserver.config;

import dev.rkv.kvserver.util.Glob;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The server's configuration: Redis option names, redis.conf syntax, CONFIG GET/SET/REWRITE.
 *
 * <p>Values are validated when set, once, and kept typed. Read by the event loop thread;
 * changed only by it (CONFIG SET) or before start.
 */
public final class ServerConfig {
    private static final Map<String, String> ALIASES = Map.ofEntries(
        Map.entry("slave-read-only", "replica-read-only"),
        Map.entry("slave-serve-stale-data", "replica-serve-stale-data"),
        Map.entry("slaveof", "replicaof"),
        Map.entry("slave-priority", "replica-priority"),
        Map.entry("slave-announce-ip", "replica-announce-ip"),
        Map.entry("slave-announce-port", "replica-announce-port"),
        Map.entry("min-slaves-to-write", "min-replicas-to-write"),
        Map.entry("min-slaves-max-lag", "min-replicas-max-lag"),
        Map.entry("hash-max-ziplist-entries", "hash-max-listpack-entries"),
        Map.entry("hash-max-ziplist-value", "hash-max-listpack-value"),
        Map.entry("zset-max-ziplist-entries", "zset-max-listpack-entries"),
        Map.entry("zset-max-ziplist-value", "zset-max-listpack-value"));

    private final Map<String, ConfigOption> options = new LinkedHashMap<>();
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final List<BiConsumer<String, Object>> changeListeners = new ArrayList<>();
    private Path configFile;

    public ServerConfig() {
        long maxLong = Long.MAX_VALUE;
        add(ConfigOption.integer("port", 6379, 0, 65535, false));
        add(ConfigOption.string("bind", "127.0.0.1", false));
        add(ConfigOption.bool("protected-mode", true, true));
        // RESP over RDMA (Valkey's names). Fixed at start: the listener is bound once.
        add(ConfigOption.integer("rdma-port", 0, 0, 65535, false));
        add(ConfigOption.string("rdma-bind", "", false));
        add(ConfigOption.memory("rdma-rx-size", 1024 * 1024, 64 * 1024, 16 * 1024 * 1024, false));
        add(ConfigOption.oneOf("rdma-provider", "soft", false, "soft", "shm", "disni"));
        add(ConfigOption.string("requirepass", "", true));
        add(ConfigOption.string("masterauth", "", true));
        add(ConfigOption.string("masteruser", "", true));
        add(ConfigOption.custom("dir", ".", true, ServerConfig::parseDir, v -> (String) v).protectedConfig());
        add(ConfigOption.custom("dbfilename", "dump.rdb", true, ServerConfig::parseDbFilename, v -> (String) v).protectedConfig());
        add(ConfigOption.integer("databases", 16, 1, Integer.MAX_VALUE, false));
        add(ConfigOption.integer("maxclients", 10000, 1, Integer.MAX_VALUE, true));
        add(ConfigOption.integer("timeout", 0, 0, Integer.MAX_VALUE, true));
        add(ConfigOption.integer("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true));
        add(ConfigOption.integer("tcp-backlog", 511, 0, Integer.MAX_VALUE, false));
        add(ConfigOption.memory("proto-max-bulk-len", 512L * 1024 * 1024, 1024 * 1024, maxLong, true));
        add(ConfigOption.memory("client-query-buffer-limit", 1024L * 1024 * 1024, 1024 * 1024, maxLong, true));
        add(ConfigOption.custom("client-output-buffer-limit", OutputBufferLimits.DEFAULT.toString(), true,
            OutputBufferLimits::parse, Object::toString));
        add(ConfigOption.oneOf("loglevel", "notice", true, "debug", "verbose", "notice", "warning", "nothing"));
        add(ConfigOption.string("logfile", "", false));
        // Redis accepts any non-negative hz and clamps it to [1, 500] (CONFIG_MIN_HZ, CONFIG_MAX_HZ).
        ConfigOption hzRange = ConfigOption.integer("hz", 10, 0, Integer.MAX_VALUE, true);
        add(ConfigOption.custom("hz", "10", true, raw -> Math.max(1L, Math.min(500L, (Long) hzRange.parse(raw))),
            String::valueOf));
        add(ConfigOption.custom("save", "3600 1 300 100 60 10000", true, SavePoints::parse, Object::toString));
        add(ConfigOption.bool("rdbcompression", true, true));
        add(ConfigOption.bool("rdbchecksum", true, true));
        add(ConfigOption.bool("stop-writes-on-bgsave-error", true, true));
        // A yes/no option as in Redis, but rkv has no append only file: only "no" is accepted.
        ConfigOption appendonly = ConfigOption.bool("appendonly", false, true);
        add(ConfigOption.custom("appendonly", "no", true, raw -> {
            if ((Boolean) appendonly.parse(raw)) {
                throw new ConfigException("rkv has no append only file; persistence is by RDB snapshots (save)");
            }
            return Boolean.FALSE;
        }, v -> "no"));
        add(ConfigOption.memory("maxmemory", 0, 0, maxLong, true));
        add(ConfigOption.oneOf("maxmemory-policy", "noeviction", true, "volatile-lru", "volatile-lfu",
            "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"));
        add(ConfigOption.string("replicaof", "", false));
        add(ConfigOption.bool("replica-read-only", true, true));
        add(ConfigOption.bool("replica-serve-stale-data", true, true));
        // What Sentinel reads from a replica's INFO: its rank when promoting (0 never), whether it
        // is listed to clients at all, and the address a primary reports for it (REPLCONF
        // ip-address / listening-port), for replicas behind NAT or port forwarding.
        add(ConfigOption.integer("replica-priority", 100, 0, Integer.MAX_VALUE, true));
        add(ConfigOption.bool("replica-announced", true, true));
        add(ConfigOption.string("replica-announce-ip", "", true));
        add(ConfigOption.integer("replica-announce-port", 0, 0, 65535, true));
        // A primary refuses writes while fewer than this many replicas acknowledged within the lag (seconds).
        add(ConfigOption.integer("min-replicas-to-write", 0, 0, Integer.MAX_VALUE, true));
        add(ConfigOption.integer("min-replicas-max-lag", 10, 0, Integer.MAX_VALUE, true));
        add(ConfigOption.bool("repl-diskless-sync", true, true));
        add(ConfigOption.integer("repl-diskless-sync-delay", 5, 0, Integer.MAX_VALUE, true));
        add(ConfigOption.oneOf("repl-diskless-load", "disabled", true, "disabled", "on-empty-db", "swapdb"));
        add(ConfigOption.memory("repl-backlog-size", 1024 * 1024, 1, maxLong, true));
        add(ConfigOption.integer("repl-timeout", 60, 1, Integer.MAX_VALUE, true));
        // rkv: how a replica does a full sync: the classic RDB stream, or an RDMA pull by its replica agent.
        add(ConfigOption.oneOf("repl-sync-transport", "tcp", true, "tcp", "rdma"));
        // rkv: how a replica connects its replication link; rdma connects to the primary's rdma-port
        // with rdma-provider. Read at each (re)connection.
        add(ConfigOption.oneOf("repl-link-transport", "tcp", true, "tcp", "rdma"));
        add(ConfigOption.integer("repl-ping-replica-period", 10, 1, Integer.MAX_VALUE, true));
        add(ConfigOption.integer("io-threads", 1, 1, 128, false));
        add(ConfigOption.bool("io-threads-do-reads", false, false));
        add(ConfigOption.bool("daemonize", false, false));
        add(ConfigOption.string("pidfile", "", false));
        add(ConfigOption.bool("lazyfree-lazy-user-flush", false, true));
        add(ConfigOption.integer("slowlog-log-slower-than", 10000, -1, maxLong, true));
        add(ConfigOption.integer("slowlog-max-len", 128, 0, maxLong, true));
        // Kept as the bits of KeyspaceEventClasses; shown in Redis's canonical spelling.
        add(ConfigOption.custom("notify-keyspace-events", "", true,
            raw -> (long) KeyspaceEventClasses.parse(raw), v -> KeyspaceEventClasses.format(((Long) v).intValue())));
        // When a hash leaves its compact (listpack) encoding, as in Redis 7.0.
        add(ConfigOption.integer("hash-max-listpack-entries", 128, 0, maxLong, true));
        add(ConfigOption.memory("hash-max-listpack-value", 64, 0, maxLong, true));
        // When a set of integers leaves its compact (intset) encoding, as in Redis 7.0.
        add(ConfigOption.integer("set-max-intset-entries", 512, 0, maxLong, true));
        // When a sorted set leaves its compact (listpack) encoding, as in Redis 7.0.
        add(ConfigOption.integer("zset-max-listpack-entries", 128, 0, maxLong, true));
        add(ConfigOption.memory("zset-max-listpack-value", 64, 0, maxLong, true));
        // As in Redis 7.0: "no" by default, "local" allows loopback clients, "yes" everyone.
        add(ConfigOption.oneOf("enable-debug-command", "no", false, "no", "yes", "local"));
        add(ConfigOption.oneOf("enable-protected-configs", "no", false, "no", "yes", "local"));
    }

    private void add(ConfigOption o) {
        options.put(o.name(), o);
        try {
            values.put(o.name(), o.parse(o.defaultValue()));
        } catch (ConfigException e) {
            throw new IllegalStateException("bad default for " + o.name() + ": " + e.getMessage(), e);
        }
    }

    private static Object parseDir(String raw) throws ConfigException {
        Path p = Path.of(raw);
        if (!Files.isDirectory(p)) {
            throw new ConfigException("No such file or directory");
        }
        return p.toAbsolutePath().normalize().toString();
    }

    /** A file name in {@code dir}, never a path: the RDB must not be written anywhere else. */
    private static Object parseDbFilename(String raw) throws ConfigException {
        if (raw.indexOf('/') >= 0) {
            throw new ConfigException("dbfilename can't be a path, just a filename");
        }
        return raw;
    }

    /** The canonical option name for a name or alias, or null when unknown. */
    public String canonicalName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        n = ALIASES.getOrDefault(n, n);
        return options.containsKey(n) ? n : null;
    }

    public boolean isKnown(String name) {
        return canonicalName(name) != null;
    }

    /** True for options CONFIG SET may change only when enable-protected-configs allows it. */
    public boolean isProtected(String name) {
        String n = canonicalName(name);
        return n != null && options.get(n).isProtected();
    }

    public boolean isMutable(String name) {
        String n = canonicalName(name);
        return n != null && options.get(n).mutable();
    }

    /**
     * Sets an option from its textual value, validating it.
     *
     * @throws ConfigException with Redis's reason when the option is unknown or the value bad
     */
    public void set(String name, String raw) throws ConfigException {
        String n = canonicalName(name);
        if (n == null) {
            throw new ConfigException("Unknown option '" + name + "'");
        }
        Object v = options.get(n).parse(raw);
        values.put(n, v);
        for (BiConsumer<String, Object> l : changeListeners) {
            l.accept(n, v);
        }
    }

    /** Called after every successful set, with the canonical name and the typed value. */
    public void onChange(BiConsumer<String, Object> listener) {
        changeListeners.add(listener);
    }

    /** The value as CONFIG GET prints it. */
    public String getString(String name) {
        String n = canonicalName(name);
        return options.get(n).print(values.get(n));
    }

    public long getLong(String name) {
        return (Long) values.get(canonicalName(name));
    }

    public int getInt(String name) {
        return Math.toIntExact(getLong(name));
    }

    public boolean getBool(String name) {
        return (Boolean) values.get(canonicalName(name));
    }

    public OutputBufferLimits outputBufferLimits() {
        return (OutputBufferLimits) values.get("client-output-buffer-limit");
    }

    public SavePoints savePoints() {
        return (SavePoints) values.get("save");
    }

    /** Options whose name matches a glob, in table order, with their printed values (CONFIG GET). */
    public Map<String, String> matching(String glob) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : options.keySet()) {
            if (Glob.matches(glob, n)) {
                out.put(n, getString(n));
            }
        }
        for (Map.Entry<String, String> a : ALIASES.entrySet()) {
            if (options.containsKey(a.getValue()) && Glob.matches(glob, a.getKey()) && !out.containsKey(a.getKey())
                && !glob.equals("*")) {
                out.put(a.getKey(), getString(a.getValue()));
            }
        }
        return out;
    }

    public Path configFile() {
        return configFile;
    }

    /** Loads a redis.conf-style file: one "name value..." per line, '#' comments, quoted args. */
    public void loadFile(Path file) throws IOException, ConfigException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> args = ConfigLine.split(line);
            if (args == null) {
                throw new ConfigException(fileError(file, i + 1, line, "Unbalanced quotes in configuration line"));
            }
            try {
                applyDirective(args);
            } catch (ConfigException e) {
                throw new ConfigException(fileError(file, i + 1, line, e.getMessage()));
            }
        }
        configFile = file.toAbsolutePath();
    }

    private static String fileError(Path file, int lineNo, String line, String reason) {
        return "*** FATAL CONFIG FILE ERROR (rkv) ***\nReading the configuration file " + file + ", at line " + lineNo
            + "\n>>> '" + line + "'\n" + reason;
    }

    /** Applies command-line options in redis-server style: {@code --name value [value...]}. */
    public void applyArgs(List<String> args) throws ConfigException {
        List<String> current = null;
        List<List<String>> directives = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--") && a.length() > 2) {
                current = new ArrayList<>();
                current.add(a.substring(2));
                directives.add(current);
            } else if (current == null) {
                throw new ConfigException("option value without a name: '" + a + "'");
            } else {
                current.add(a);
            }
        }
        for (List<String> d : directives) {
            applyDirective(d);
        }
    }

    private void applyDirective(List<String> args) throws ConfigException {
        String name = args.get(0);
        if (canonicalName(name) == null) {
            throw new ConfigException("Bad directive or wrong number of arguments: '" + name + "'");
        }
        String value = String.join(" ", args.subList(1, args.size()));
        try {
            set(name, value);
        } catch (ConfigException e) {
            throw new ConfigException("'" + name + " \"" + value + "\"': " + e.getMessage());
        }
    }

    /**
     * Options whose value is a list of words, written as words like redis.conf has them
     * ({@code save 3600 1 300 100}); every other value is one argument, quoted when it holds
     * spaces, quotes or control characters, so that loading the file gives back the exact value
     * (a password with two spaces stays one with two spaces).
     */
    private static final java.util.Set<String> WORD_LISTS = java.util.Set.of("save", "bind", "client-output-buffer-limit", "replicaof");

    private String fileValue(String name) {
        String value = getString(name);
        if (!WORD_LISTS.contains(name)) {
            return ConfigLine.quote(value);
        }
        List<String> words = new ArrayList<>();
        for (String w : value.trim().split(" +")) {
            if (!w.isEmpty()) {
                words.add(ConfigLine.quote(w));
            }
        }
        return words.isEmpty() ? "\"\"" : String.join(" ", words);
    }

    /** Writes the current values to the file it was loaded from (CONFIG REWRITE). */
    public void rewrite() throws IOException, ConfigException {
        if (configFile == null) {
            throw new ConfigException("The server is running without a config file");
        }
        List<String> out = new ArrayList<>();
        java.util.Set<String> written = new java.util.HashSet<>();
        for (String line : Files.readAllLines(configFile, StandardCharsets.UTF_8)) {
            String t = line.trim();
            List<String> args = t.isEmpty() || t.startsWith("#") ? null : ConfigLine.split(t);
            String n = args == null || args.isEmpty() ? null : canonicalName(args.get(0));
            if (n == null) {
                out.add(line);
            } else if (n.equals("replicaof") && getString(n).isBlank()) {
                // A primary has no replicaof line, as Redis drops it (rewriteConfigReplicaOfOption).
                written.add(n);
            } else if (written.add(n)) {
                out.add(n + " " + fileValue(n));
            }
        }
        for (String n : options.keySet()) {
            if (!written.contains(n) && !getString(n).equals(options.get(n).defaultValue())) {
                out.add(n + " " + fileValue(n));
            }
        }
        Path tmp = configFile.resolveSibling(configFile.getFileName() + ".tmp");
        Files.write(tmp, out, StandardCharsets.UTF_8);
        Files.move(tmp, configFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
