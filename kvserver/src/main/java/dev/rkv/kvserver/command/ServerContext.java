package dev.rkv.kvserver.command;

import dev.rkv.kvserver.config.ServerConfig;
import dev.rkv.kvserver.info.HeapGauge;
import dev.rkv.kvserver.info.InfoRegistry;
import dev.rkv.kvserver.persist.Persistence;
import dev.rkv.kvserver.pubsub.KeyspaceEvents;
import dev.rkv.kvserver.pubsub.PubSub;
import dev.rkv.kvserver.repl.PropagationListener;
import dev.rkv.kvserver.repl.Propagator;
import dev.rkv.kvserver.repl.Replication;
import dev.rkv.kvserver.store.Database;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.store.KeyspaceListener;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What commands may reach of the server: configuration, keyspace, clients, Pub/Sub, stats
 * and the replication hook. One per server, passed to every handler through its client;
 * owned by the event loop thread.
 */
public final class ServerContext {
    private static final byte[] MULTI = "MULTI".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXEC = "EXEC".getBytes(StandardCharsets.US_ASCII);
    private static final String NOTIFY_OPTION = "notify-keyspace-events";
    private final ServerConfig config;
    private final Keyspace keyspace;
    private final CommandTable commands;
    private final ClientRegistry clients = new ClientRegistry();
    private final PubSub pubsub = new PubSub();
    private final KeyspaceEvents keyspaceEvents = new KeyspaceEvents(pubsub);
    private final ServerStats stats = new ServerStats();
    private final WatchRegistry watches = new WatchRegistry();
    private final BlockedClients blocked = new BlockedClients(this);
    private final Monitors monitors = new Monitors();
    private final InfoRegistry info = new InfoRegistry();
    private final HeapGauge heap = new HeapGauge();
    private final List<KeyspaceListener> listeners = new CopyOnWriteArrayList<>();
    private volatile KeyspaceListener expiryPropagation;
    private final List<PropagationListener> propagationListeners = new CopyOnWriteArrayList<>();
    private final String runId;
    private final long startTimeMs;
    private volatile Propagator propagator = Propagator.NONE;
    /** Effects held while a transaction runs (see {@link #beginAtomic}); null otherwise. */
    private List<PendingEffect> atomicEffects;
    private volatile Runnable shutdownHook = () -> { };
    private java.util.function.Consumer<String> warnings = System.err::println;
    private long lastSecurityWarningMs;
    private long lastSaveTimeMs;
    private CommandDispatcher dispatcher;
    private Persistence persistence;
    private int listeningPort;
    private volatile String role = "master";
    private Replication replication;
    private boolean applyingPrimaryStream;

    public ServerContext(ServerConfig config, CommandTable commands) {
        this.config = config;
        this.commands = commands;
        this.startTimeMs = System.currentTimeMillis();
        this.lastSaveTimeMs = startTimeMs;
        this.runId = randomHex(20);
        this.keyspace = new Keyspace(config.getInt("databases"), new FanOut());
        listeners.add(watches);
        listeners.add(keyspaceEvents);
        keyspaceEvents.select((int) config.getLong(NOTIFY_OPTION));
        config.onChange((name, value) -> {
            if (name.equals(NOTIFY_OPTION)) {
                keyspaceEvents.select(((Long) value).intValue());
            }
        });
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public ServerConfig config() {
        return config;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public CommandTable commands() {
        return commands;
    }

    /** The dispatcher, for commands that run other commands (EXEC). */
    public CommandDispatcher dispatcher() {
        return dispatcher;
    }

    public void dispatcher(CommandDispatcher d) {
        dispatcher = d;
    }

    /** RDB persistence: SAVE/BGSAVE, save state for INFO persistence, LASTSAVE and SHUTDOWN. */
    public Persistence persistence() {
        return persistence;
    }

    public void persistence(Persistence p) {
        persistence = p;
    }

    /** The sections of INFO; components contribute theirs here. */
    public InfoRegistry info() {
        return info;
    }

    /** The JVM heap as INFO memory and MEMORY STATS report it. */
    public HeapGauge heap() {
        return heap;
    }

    /** The TCP port actually bound (INFO tcp_port), which differs from the "port" option when that is 0. */
    public int listeningPort() {
        return listeningPort;
    }

    public void listeningPort(int port) {
        listeningPort = port;
    }

    public ClientRegistry clients() {
        return clients;
    }

    public PubSub pubsub() {
        return pubsub;
    }

    /** Keyspace notifications: commands report their events here. */
    public KeyspaceEvents keyspaceEvents() {
        return keyspaceEvents;
    }

    public ServerStats stats() {
        return stats;
    }

    /** Clients in MONITOR mode. */
    public Monitors monitors() {
        return monitors;
    }

    /** Clients blocked in BLPOP and the like. */
    public BlockedClients blocked() {
        return blocked;
    }

    public WatchRegistry watches() {
        return watches;
    }

    /** 40 hex characters identifying this run (INFO run_id). */
    public String runId() {
        return runId;
    }

    public long startTimeMs() {
        return startTimeMs;
    }

    public long lastSaveTimeMs() {
        return lastSaveTimeMs;
    }

    public void lastSaveTimeMs(long ms) {
        lastSaveTimeMs = ms;
    }

    /** "master" or "slave", as HELLO and ROLE report it; replication changes it. */
    public String role() {
        return role;
    }

    public void role(String value) {
        role = value;
    }

    /**
     * The time commands see. While a replica applies its primary's stream it is 0, so that no
     * key counts as expired: the primary decided what existed when it ran the command, and its
     * DEL for an expired key arrives in the stream (Redis's expireIfNeeded for the master client).
     */
    public long nowMs() {
        return applyingPrimaryStream ? 0 : System.currentTimeMillis();
    }

    /** Replication marks the stretch in which it runs the primary's commands. */
    public void applyingPrimaryStream(boolean on) {
        applyingPrimaryStream = on;
    }

    public boolean requiresAuth() {
        return !config.getString("requirepass").isEmpty();
    }

    /** Adds an observer of keyspace changes (mirrors, replication). */
    public void addKeyspaceListener(KeyspaceListener l) {
        listeners.add(l);
    }

    public void removeKeyspaceListener(KeyspaceListener l) {
        listeners.remove(l);
    }

    /**
     * Sets what propagates the DEL of an expired key. It hears of an expiry after every other
     * listener, as Redis deletes and notifies before it propagates: the DEL advances the
     * replication offset, and a listener that publishes state at that offset (the primary
     * agent's table) must already know the key is gone.
     */
    public void propagateExpiriesWith(KeyspaceListener propagation) {
        expiryPropagation = propagation;
    }

    /** Classic replication (REPLICAOF, PSYNC, WAIT, ROLE); null until the server wires it. */
    public Replication replication() {
        return replication;
    }

    public void replication(Replication r) {
        replication = r;
    }

    public void propagator(Propagator p) {
        propagator = p == null ? Propagator.NONE : p;
    }

    /** Records a write: counts it toward save points and hands the effect to replication. */
    public void propagate(int db, byte[]... effect) {
        stats.dirty++;
        propagateWithoutChange(db, effect);
    }

    /**
     * Hands replication something that is not a change of the dataset (PUBLISH, which Redis also
     * sends to replicas): not counted toward save points.
     */
    public void propagateWithoutChange(int db, byte[]... effect) {
        if (atomicEffects != null) {
            atomicEffects.add(new PendingEffect(db, effect));
        } else {
            emit(db, effect, true);
        }
    }

    /**
     * Records one write made of several effects that replicas must apply as a unit (LMOVE as
     * the pop and the push of the element it moved): wrapped in MULTI ... EXEC, or part of the
     * transaction already being collected.
     */
    public void propagateTogether(int db, byte[][] first, byte[][]... more) {
        boolean outermost = atomicEffects == null;
        if (outermost) {
            beginAtomic();
        }
        propagate(db, first);
        for (byte[][] e : more) {
            propagateWithoutChange(db, e);
        }
        if (outermost) {
            endAtomic();
        }
    }

    /**
     * Starts collecting effects that replicas must apply as one unit (EXEC). Until {@link
     * #endAtomic}, effects are held; then two or more go out wrapped in MULTI ... EXEC, as
     * Redis 7.0 wraps a transaction's propagated commands, and a single one goes out alone.
     */
    public void beginAtomic() {
        if (atomicEffects == null) {
            atomicEffects = new ArrayList<>();
        }
    }

    public void endAtomic() {
        List<PendingEffect> held = atomicEffects;
        atomicEffects = null;
        if (held == null || held.isEmpty()) {
            return;
        }
        if (held.size() == 1) {
            emit(held.get(0).db(), held.get(0).effect(), true);
            return;
        }
        // Listeners hear of the transaction once, after its EXEC: its keys' changes all
        // belong to that offset (a replica applies them as one unit).
        emit(held.get(0).db(), new byte[][] {MULTI}, false);
        for (PendingEffect e : held) {
            emit(e.db(), e.effect(), false);
        }
        emit(held.get(held.size() - 1).db(), new byte[][] {EXEC}, true);
    }

    private void emit(int db, byte[][] effect, boolean notify) {
        propagator.propagate(db, effect);
        if (notify) {
            for (PropagationListener l : propagationListeners) {
                l.propagated(db, effect);
            }
        }
    }

    /** Adds an observer called after each write was propagated (the accelerator's table LSNs). */
    public void addPropagationListener(PropagationListener l) {
        propagationListeners.add(l);
    }

    public void removePropagationListener(PropagationListener l) {
        propagationListeners.remove(l);
    }

    private record PendingEffect(int db, byte[][] effect) {
    }

    /** Logs a possible cross-protocol attack, at most once a minute as Redis does. */
    public void securityWarning(Client c) {
        long now = nowMs();
        if (now - lastSecurityWarningMs > 60_000) {
            lastSecurityWarningMs = now;
            warnings.accept("Possible SECURITY ATTACK detected. It looks like somebody is sending POST or "
                + "Host: commands to rkv. This is likely due to an attacker attempting to use Cross Protocol Scripting "
                + "to compromise your rkv instance. Connection from " + c.connection().peerAddress() + " aborted.");
        }
    }

    /** Where warnings of the command layer go (the server log). */
    public void warnings(java.util.function.Consumer<String> sink) {
        warnings = sink;
    }

    /** Logs a warning in the server log (security warnings, commands that failed inside). */
    public void warning(String message) {
        warnings.accept(message);
    }

    public void shutdownHook(Runnable r) {
        shutdownHook = r;
    }

    private volatile boolean stopping;

    /**
     * The process was asked to stop (SIGTERM): commands that may run long (KEYS, DEBUG SLEEP ...)
     * poll {@link #stopping()} and give up, so that the final save and the exit are not held
     * behind them. Any thread may call it.
     */
    public void beginStopping() {
        stopping = true;
    }

    public boolean stopping() {
        return stopping;
    }

    /** Asks the server to stop (SHUTDOWN). */
    public void requestShutdown() {
        shutdownHook.run();
    }

    /** Forwards keyspace events to every registered listener. */
    private final class FanOut implements KeyspaceListener {
        @Override
        public void keyModified(int db, Key key, Entry newEntryOrNull) {
            for (KeyspaceListener l : listeners) {
                l.keyModified(db, key, newEntryOrNull);
            }
        }

        @Override
        public void keyAdded(int db, Key key) {
            for (KeyspaceListener l : listeners) {
                l.keyAdded(db, key);
            }
        }

        @Override
        public void keyExpired(int db, Key key) {
            for (KeyspaceListener l : listeners) {
                l.keyExpired(db, key);
            }
            KeyspaceListener propagation = expiryPropagation;
            if (propagation != null) {
                propagation.keyExpired(db, key);
            }
        }

        @Override
        public void databaseReplacing(Database db, Database incomingOrNull) {
            for (KeyspaceListener l : listeners) {
                l.databaseReplacing(db, incomingOrNull);
            }
        }

        @Override
        public void databaseReplaced(int db) {
            for (KeyspaceListener l : listeners) {
                l.databaseReplaced(db);
            }
        }
    }
}
