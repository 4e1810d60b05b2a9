package dev.rkv.kvserver.command;

import dev.rkv.kvserver.net.Connection;
import dev.rkv.kvserver.protocol.RespWriter;
import dev.rkv.kvserver.store.Database;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One client session: the state Redis keeps in its {@code client} struct, independent of the
 * transport. Owned by the event loop thread.
 */
public final class Client {
    private final long id;
    private final ServerContext server;
    private final Connection connection;
    private final RespWriter out = new RespWriter();
    /** Takes the replies CLIENT REPLY OFF / SKIP suppresses; emptied at every command. Lazily made. */
    private RespWriter suppressed;
    private ReplyMode replyMode = ReplyMode.ON;
    /** The current command's reply is skipped (CLIENT REPLY SKIP was the previous command). */
    private boolean skipping;
    private final long createdMs;
    private long lastInteractionMs;
    private String name = "";
    private String libName = "";
    private String libVersion = "";
    private Database db;
    private boolean authenticated;
    private String lastCommand = "NULL";
    private boolean noEvict;
    private ClientKind kind = ClientKind.NORMAL;
    private long softLimitSinceMs;

    /** Non-null while between MULTI and EXEC/DISCARD. */
    private List<byte[][]> multiQueue;
    private boolean multiDirty;
    private boolean execAbort;
    private final Set<WatchedKey> watched = new HashSet<>();

    private final Set<String> channels = new LinkedHashSet<>();
    private final Set<String> patterns = new LinkedHashSet<>();
    private final Set<String> shardChannels = new LinkedHashSet<>();

    Client(long id, ServerContext server, Connection connection, long nowMs) {
        this.id = id;
        this.server = server;
        this.connection = connection;
        this.createdMs = nowMs;
        this.lastInteractionMs = nowMs;
        this.db = server.keyspace().db(0);
        out.errorListener(server.stats()::errorReply);
        this.authenticated = !server.requiresAuth();
    }

    public long id() {
        return id;
    }

    public ServerContext server() {
        return server;
    }

    public Connection connection() {
        return connection;
    }

    /** CLIENT REPLY's modes: SKIP drops the reply of the next command only. */
    public enum ReplyMode { ON, OFF, SKIP }

    /**
     * Where command replies go: the connection's output, or a writer whose content is dropped
     * while CLIENT REPLY OFF or SKIP is in effect.
     */
    public RespWriter out() {
        if (replyMode != ReplyMode.OFF && !skipping) {
            return out;
        }
        if (suppressed == null) {
            suppressed = new RespWriter();
            suppressed.errorListener(server.stats()::errorReply);
        }
        return suppressed;
    }

    /** The connection's output itself: for the transport, output limits and Pub/Sub pushes. */
    public RespWriter output() {
        return out;
    }

    public ReplyMode replyMode() {
        return replyMode;
    }

    public void replyMode(ReplyMode mode) {
        replyMode = mode;
    }

    public Database db() {
        return db;
    }

    public int dbIndex() {
        return db.index();
    }

    public void select(int index) {
        db = server.keyspace().db(index);
    }

    /** RESP version negotiated with HELLO (2 or 3). */
    public int protocol() {
        return out.protocol();
    }

    public void protocol(int version) {
        out.protocol(version);
    }

    public boolean authenticated() {
        return authenticated;
    }

    public void authenticated(boolean value) {
        authenticated = value;
    }

    public String name() {
        return name;
    }

    public void name(String value) {
        name = value;
    }

    public String libName() {
        return libName;
    }

    public void libName(String value) {
        libName = value;
    }

    public String libVersion() {
        return libVersion;
    }

    public void libVersion(String value) {
        libVersion = value;
    }

    public long createdMs() {
        return createdMs;
    }

    public long lastInteractionMs() {
        return lastInteractionMs;
    }

    void interacted(long nowMs, String command) {
        lastInteractionMs = nowMs;
        lastCommand = command;
        skipping = replyMode == ReplyMode.SKIP;
        if (skipping) {
            replyMode = ReplyMode.ON;
        }
        if (suppressed != null) {
            suppressed.clear();
        }
    }

    public String lastCommand() {
        return lastCommand;
    }

    public boolean noEvict() {
        return noEvict;
    }

    public void noEvict(boolean value) {
        noEvict = value;
    }

    public ClientKind kind() {
        return kind;
    }

    public void kind(ClientKind value) {
        kind = value;
    }

    /** When the output first went over the soft limit, 0 when under it. */
    public long softLimitSinceMs() {
        return softLimitSinceMs;
    }

    public void softLimitSinceMs(long ms) {
        softLimitSinceMs = ms;
    }

    // ---- MULTI / EXEC

    private boolean executingTransaction;

    /** EXEC is running this client's queued commands: a blocking command must not block. */
    public boolean executingTransaction() {
        return executingTransaction;
    }

    public void executingTransaction(boolean value) {
        executingTransaction = value;
    }

    public boolean inMulti() {
        return multiQueue != null;
    }

    /** Starts queueing. A dirty flag from a watched key touched before MULTI stays set (EXEC fails). */
    public void beginMulti() {
        multiQueue = new ArrayList<>();
        execAbort = false;
    }

    /** The commands queued so far (CLIENT LIST multi=, multi-mem=). */
    public List<byte[][]> queued() {
        return multiQueue == null ? List.of() : Collections.unmodifiableList(multiQueue);
    }

    public void queue(byte[][] argv) {
        multiQueue.add(argv);
    }

    /** Ends the transaction state and returns what was queued. */
    public List<byte[][]> endMulti() {
        List<byte[][]> q = multiQueue;
        multiQueue = null;
        return q;
    }

    /** A watched key was modified: EXEC must fail. */
    public void markDirty() {
        multiDirty = true;
    }

    public boolean dirty() {
        return multiDirty;
    }

    public void clearDirty() {
        multiDirty = false;
    }

    /** A command could not be queued (unknown, wrong arity): EXEC answers EXECABORT. */
    public void flagExecAbort() {
        execAbort = true;
    }

    public boolean execAborted() {
        return execAbort;
    }

    public Set<WatchedKey> watched() {
        return watched;
    }

    // ---- Pub/Sub

    public Set<String> channels() {
        return channels;
    }

    public Set<String> patterns() {
        return patterns;
    }

    /** Shard channels (SSUBSCRIBE). */
    public Set<String> shardChannels() {
        return shardChannels;
    }

    /** Channels and patterns, the count SUBSCRIBE and PSUBSCRIBE report (shard channels are counted apart). */
    public int subscriptionCount() {
        return channels.size() + patterns.size();
    }

    /** Subscribed to anything: channels, patterns or shard channels (Redis's CLIENT_PUBSUB). */
    public boolean isSubscribed() {
        return subscriptionCount() > 0 || !shardChannels.isEmpty();
    }

    /** In RESP2, a subscribed client may only run (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT, RESET. */
    public boolean inPubSubContext() {
        return isSubscribed() && protocol() == 2;
    }
}
