package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.persist.RdbFormatException;
import dev.rkv.kvserver.persist.RdbLoadResult;
import dev.rkv.kvserver.persist.RdbLoader;
import dev.rkv.kvserver.protocol.ProtocolLimits;
import dev.rkv.kvserver.protocol.RespParser;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.store.KeyspaceListener;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replica's side of a replication link, on a thread of its own: connects, does the
 * blocking handshake (PING, AUTH, REPLCONF, PSYNC), receives and loads a full sync into a
 * fresh keyspace, then parses the command stream and hands batches to the event loop
 * through {@link Replication}. Reconnects after a drop until stopped.
 */
final class MasterLink implements Runnable {
    /** Link states, with the names ROLE prints. */
    enum State {
        CONNECT("connect"),
        CONNECTING("connecting"),
        HANDSHAKE("handshake"),
        TRANSFER("sync"),
        CONNECTED("connected");

        final String roleName;

        State(String roleName) {
            this.roleName = roleName;
        }
    }

    /** One command of the stream: its arguments, its bytes, and the offset of its last byte. */
    record StreamCommand(byte[][] argv, byte[] raw, long endOffset) {
    }

    /** What PSYNC asks for, read on the event loop. */
    /** What PSYNC asks for; {@code failover}: this server is handing its role to the primary it asks (FAILOVER). */
    record PsyncRequest(String replId, long nextOffset, boolean failover) {
        PsyncRequest(String replId, long nextOffset) {
            this(replId, nextOffset, false);
        }
    }

    private static final int READ_CHUNK = 64 * 1024;
    /** Stream bytes parsed but not yet applied by the event loop, at most. */
    private static final int MAX_IN_FLIGHT = 64 * 1024 * 1024;
    /** Pause before reconnecting; a link that was up retries at once the first time. */
    private static final long RETRY_MS = 1000;
    /** The longest pause between attempts after failures in a row. */
    private static final long MAX_RETRY_MS = 8000;

    private final Replication replication;
    private final String host;
    private final int port;
    private final ExecutorService writer;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final Thread thread;
    private volatile boolean stopped;
    private volatile State state = State.CONNECT;
    private volatile LinkConnection socket;
    private volatile long lastIoMs = System.currentTimeMillis();
    private volatile long syncTotalBytes = -1;
    private volatile SyncProgress progress;
    /** Bytes of stream read since the sync point (slave_read_repl_offset). */
    private volatile long readOffset;
    private boolean retryNow;
    private volatile int failures;
    private volatile String lastError;
    /** "rdma" or "tcp": how a full sync is done when one is needed. */
    private final String transport;
    /** Whether the next session needs a full sync whatever PSYNC could continue (nothing loaded yet, or a resync asked). */
    private volatile boolean needFullSync = true;
    /** The dataset went out of step with the stream after an RDMA sync: the next full sync is classic. */
    private volatile boolean classicResync;
    private volatile boolean pullingRdma;
    private final AtomicLong rdmaTotal = new AtomicLong();
    private final AtomicLong rdmaPulled = new AtomicLong();
    private final AtomicLong rdmaKeys = new AtomicLong();

    private interface SyncProgress {
        long bytesRead();
    }

    MasterLink(Replication replication, String host, int port, String transport) {
        this.replication = replication;
        this.transport = transport;
        this.host = host;
        this.port = port;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rkv-repl-ack-" + host + ":" + port);
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this, "rkv-repl-link-" + host + ":" + port);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    State state() {
        return state;
    }

    long lastIoMs() {
        return lastIoMs;
    }

    long readOffset() {
        return readOffset;
    }

    /** Total RDB bytes of the sync in progress, -1 when unknown (diskless). */
    long syncTotalBytes() {
        return pullingRdma ? rdmaTotal.get() : syncTotalBytes;
    }

    /** "rdma" or "tcp". */
    String transport() {
        return transport;
    }

    /** What the last full sync of this link went over, for INFO: rdma/provider or tcp. */
    String transportName() {
        AcceleratedSync a = replication.acceleratedSync();
        return pullingRdma && a != null ? a.transportName() : "tcp";
    }

    boolean pullingRdma() {
        return pullingRdma;
    }

    long syncKeysLoaded() {
        return rdmaKeys.get();
    }

    /**
     * The dataset no longer matches the stream (an effect the LSN filter could not reconcile):
     * the next session syncs in full with the classic sync, which a write load cannot defeat.
     */
    void requireFullSync() {
        needFullSync = true;
        classicResync = true;
    }

    long syncReadBytes() {
        if (pullingRdma) {
            return rdmaPulled.get();
        }
        SyncProgress p = progress;
        return p == null ? 0 : p.bytesRead();
    }

    /** Stops for good: closes the socket; the thread exits. */
    void stop() {
        stopped = true;
        dropConnection();
        thread.interrupt();
        writer.shutdownNow();
    }

    /** Closes the current connection; the link reconnects (CLIENT KILL TYPE master, tests). */
    void dropConnection() {
        LinkConnection s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                replication.log("closing the link to " + host + ":" + port + ": " + e.getMessage());
            }
        }
    }

    /** Sends REPLCONF ACK offset, off the event loop. */
    void sendAck(long offset) {
        LinkConnection s = socket;
        if (s == null || state != State.CONNECTED || stopped) {
            return;
        }
        byte[] cmd = StreamEncoder.encodeCommand("REPLCONF", "ACK", Long.toString(offset));
        try {
            writer.execute(() -> {
                try {
                    OutputStream out = s.output();
                    out.write(cmd);
                    out.flush();
                } catch (IOException e) {
                    dropConnection();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopped meanwhile: the link is going away, there is no one to acknowledge to
            replication.log("ACK not sent, link stopped");
        }
    }

    /** The event loop applied a batch: its bytes may be replaced by new input. */
    void applied(int bytes) {
        inFlight.release(bytes);
    }

    @Override
    public void run() {
        while (!stopped) {
            try {
                session();
            } catch (IOException | RdbFormatException e) {
                failed(e.getMessage(), null);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | Error e) {
                // Nothing a primary sends may end this thread: a bug found by hostile input is
                // logged with its stack and the link retries like after any other failure.
                failed(e.toString(), e);
            } finally {
                LinkConnection s = socket;
                socket = null;
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        replication.log("closing replication socket: " + e.getMessage());
                    }
                }
                boolean wasConnected = state == State.CONNECTED;
                retryNow = wasConnected;
                state = State.CONNECT;
                progress = null;
                if (!stopped) {
                    replication.linkLost(this, wasConnected);
                }
            }
            if (stopped) {
                break;
            }
            try {
                Thread.sleep(retryNow ? 10 : retryDelayMs());
                retryNow = false;
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    /** Logs one line for a failed session and counts it toward the backoff. */
    private void failed(String reason, Throwable bug) {
        if (stopped) {
            return;
        }
        failures++;
        lastError = reason;
        String line = "replication link to " + host + ":" + port + " failed: " + reason + "; dataset kept, retrying in "
            + retryDelayMs() + " ms";
        // A warning, as Redis logs a failed sync: a link that keeps failing needs an operator.
        replication.warn(bug == null ? line : line + "\n" + dev.rkv.kvserver.util.Throwables.stackTrace(bug));
    }

    /**
     * Backoff between failed sessions: 1 s, doubled after each failure in a row, at most
     * {@link #MAX_RETRY_MS}; a session that reached the stream resets it.
     */
    private long retryDelayMs() {
        int doublings = Math.min(Math.max(0, failures - 1), 10);
        return Math.min(MAX_RETRY_MS, RETRY_MS << doublings);
    }

    /** The session reached the stream: the backoff starts over. */
    private void connected() {
        state = State.CONNECTED;
        failures = 0;
    }

    /** Sessions that failed in a row (0 once the link is up again), for INFO. */
    int failures() {
        return failures;
    }

    /** What ended the last failed session, or null, for INFO. */
    String lastError() {
        return lastError;
    }

    private void session() throws IOException, RdbFormatException, InterruptedException {
        state = State.CONNECTING;
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, replication.timeoutMs());
        LinkConnection s;
        if (replication.linkOverRdma()) {
            // repl-link-transport rdma: the port is the primary's rdma-port
            s = LinkConnection.Rdma.connect(replication.rdmaProvider(), host, port, timeoutMs);
            socket = s;
            if (stopped) {
                s.close();
                throw new IOException("stopped");
            }
        } else {
            LinkConnection.Tcp tcp = new LinkConnection.Tcp();
            s = tcp;
            socket = s;
            if (stopped) {
                throw new IOException("stopped");
            }
            tcp.connect(host, port, timeoutMs);
        }
        lastIoMs = System.currentTimeMillis();
        InputStream in = new BufferedInputStream(s.input(), READ_CHUNK);
        OutputStream out = s.output();
        state = State.HANDSHAKE;

        send(out, "PING");
        String pong = readLine(in);
        if (pong.startsWith("-") && !pong.startsWith("-NOAUTH") && !pong.startsWith("-NOPERM")
            && !pong.startsWith("-ERR operation not permitted")) {
            throw new IOException("error reply to PING from master: '" + pong + "'");
        }
        String auth = replication.masterAuth();
        if (!auth.isEmpty()) {
            String user = replication.masterUser();
            if (user.isEmpty()) {
                send(out, "AUTH", auth);
            } else {
                send(out, "AUTH", user, auth);
            }
            String r = readLine(in);
            if (r.startsWith("-")) {
                throw new IOException("unable to AUTH to MASTER: " + r);
            }
        }
        send(out, "REPLCONF", "listening-port", Integer.toString(replication.listeningPort()));
        readLine(in);
        String announceIp = replication.announceIp();
        if (!announceIp.isEmpty()) {
            send(out, "REPLCONF", "ip-address", announceIp);
            readLine(in);
        }
        send(out, "REPLCONF", "capa", "eof", "capa", "psync2");
        readLine(in);

        // Asked once: the probe and the PSYNC after it name the same place (a pull that did not run changed nothing).
        PsyncRequest req = classicResync ? new PsyncRequest("?", -1) : replication.psyncRequest(this);
        AcceleratedSync accel = transport.equals("rdma") && needFullSync && !classicResync ? replication.acceleratedSync() : null;
        if (accel != null && !partialResyncPossible(req, in, out) && acceleratedSync(accel, in, out)) {
            return;
        }
        classicResync = false;
        if (req.failover()) {
            send(out, "PSYNC", req.replId(), Long.toString(req.nextOffset()), "FAILOVER");
        } else {
            send(out, "PSYNC", req.replId(), Long.toString(req.nextOffset()));
        }
        String reply = readLine(in);
        while (reply.isEmpty()) {
            reply = readLine(in);
        }
        if (req.failover() && !reply.startsWith("-NOMASTERLINK") && !reply.startsWith("-LOADING")) {
            // As Redis: a sync (full or partial) completes the failover; a refusal other than a
            // transient one ends it, and this server is a primary again. Transient ones retry.
            replication.failoverPsyncAnswered(this, reply.startsWith("+FULLRESYNC") || reply.startsWith("+CONTINUE"));
        }
        long startOffset;
        if (reply.startsWith("+FULLRESYNC")) {
            FullResync full = FullResync.parse(reply);
            startOffset = full.offset();
            receiveFullSync(in, full.replId(), startOffset, full.streamDb());
            needFullSync = false;
        } else if (reply.startsWith("+CONTINUE") && req.nextOffset() < 0) {
            throw new IOException("master answered '" + reply + "' to a request for a full sync");
        } else if (reply.startsWith("+CONTINUE")) {
            String[] parts = reply.split(" ");
            String newId = parts.length > 1 ? parts[1].trim() : null;
            startOffset = req.nextOffset() - 1;
            replication.continued(this, newId);
            connected();
        } else {
            throw new IOException("unexpected reply to PSYNC: '" + reply + "'");
        }
        streamLoop(in, startOffset);
    }

    /**
     * Asks the primary whether the PSYNC this replica would send continues from its backlog (a
     * replica following another replica of its old primary after a failover: that one kept the
     * old history as its replid2). Then the partial resync is all it takes, and pulling the
     * whole table would only cost time. A primary that does not know the question (not rkv)
     * answers an error: pull, as before. A failover's PSYNC always goes the classic way.
     */
    private boolean partialResyncPossible(PsyncRequest req, InputStream in, OutputStream out) throws IOException {
        if (req.failover()) {
            return true;
        }
        send(out, "REPLCONF", "rkv-psync-probe", req.replId() + ":" + req.nextOffset());
        String answer = readLine(in);
        if (answer.startsWith("+CONTINUE")) {
            replication.log("MASTER <-> REPLICA sync: the primary can continue from offset " + req.nextOffset() + ": partial resync, no pull");
            return true;
        }
        return false;
    }

    /**
     * A full sync pulled by the replica agent, then {@code PSYNC replid offset+1} for the
     * stream from the pulled offset on. The pulled dataset is installed only once the primary
     * continues from there; if it cannot (its backlog moved past), the classic full sync it
     * starts instead replaces it.
     *
     * @return true when the session ran (to its end); false to go on with the classic sync
     */
    private boolean acceleratedSync(AcceleratedSync accel, InputStream in, OutputStream out)
        throws IOException, RdbFormatException, InterruptedException {
        state = State.TRANSFER;
        rdmaTotal.set(0);
        rdmaPulled.set(0);
        rdmaKeys.set(0);
        pullingRdma = true;
        long started = System.nanoTime();
        Keyspace fresh = new Keyspace(replication.databases(), new KeyspaceListener() { });
        AcceleratedSync.Result result;
        try {
            result = accel.sync(new AcceleratedSync.Request(host, port, replication.masterUser(), replication.masterAuth(),
                replication.databases()), fresh, new AcceleratedSync.ProgressSink() {
                    @Override
                    public void total(long bytes) {
                        rdmaTotal.set(bytes);
                    }

                    @Override
                    public void pulled(long bytes) {
                        rdmaPulled.addAndGet(bytes);
                    }

                    @Override
                    public void loaded(long keys) {
                        rdmaKeys.addAndGet(keys);
                    }
                });
        } catch (AcceleratedSync.Unavailable e) {
            pullingRdma = false;
            replication.log("MASTER <-> REPLICA sync: RDMA sync unavailable (" + e.getMessage() + "), using the classic sync");
            return false;
        } catch (IOException e) {
            pullingRdma = false;
            throw new IOException("RDMA sync from " + host + ":" + port + " failed, dataset kept: " + e.getMessage(), e);
        }
        lastIoMs = System.currentTimeMillis();
        replication.log("MASTER <-> REPLICA sync: pulled " + result.keys() + " keys (" + result.bytes() + " bytes) over "
            + accel.transportName() + " as of offset " + result.offset());
        send(out, "PSYNC", result.replId(), Long.toString(result.offset() + 1));
        String reply = readLine(in);
        while (reply.isEmpty()) {
            reply = readLine(in);
        }
        if (reply.startsWith("+CONTINUE")) {
            long millis = (System.nanoTime() - started) / 1_000_000;
            replication.installAccelerated(this, fresh, result, millis);
            pullingRdma = false;
            needFullSync = false;
            connected();
            streamLoop(in, result.offset());
            return true;
        }
        pullingRdma = false;
        if (reply.startsWith("+FULLRESYNC")) {
            replication.log("MASTER <-> REPLICA sync: primary cannot continue from the pulled offset " + result.offset()
                + " (repl-backlog-size too small for the writes during the pull?); classic full sync");
            FullResync full = FullResync.parse(reply);
            long startOffset = full.offset();
            receiveFullSync(in, full.replId(), startOffset, full.streamDb());
            needFullSync = false;
            streamLoop(in, startOffset);
            return true;
        }
        throw new IOException("unexpected reply to PSYNC after the RDMA pull: '" + reply + "'");
    }

    private void receiveFullSync(InputStream in, String replId, long offset, int streamDb)
        throws IOException, RdbFormatException, InterruptedException {
        state = State.TRANSFER;
        long started = System.nanoTime();
        String header = readLine(in);
        while (header.isEmpty()) {
            header = readLine(in);
        }
        if (!header.startsWith("$")) {
            throw new IOException("bad RDB header from master: '" + header + "'");
        }
        // The framed streams end where the RDB ends, so buffering on top of them reads nothing
        // of the command stream that follows.
        Keyspace fresh = new Keyspace(replication.databases(), new KeyspaceListener() { });
        RdbLoadResult result;
        boolean marked = header.startsWith("$EOF:");
        StagedRdb staged = replication.stagedLoad();
        try {
            if (marked) {
                byte[] mark = header.substring(5).getBytes(StandardCharsets.US_ASCII);
                SyncStreams.EofMarked rdb = new SyncStreams.EofMarked(in, mark);
                syncTotalBytes = -1;
                progress = rdb::bytesRead;
                result = load(rdb, staged, fresh);
                rdb.drain();
            } else {
                long len = parseRdbLength(header);
                SyncStreams.Bounded rdb = new SyncStreams.Bounded(in, len);
                syncTotalBytes = len;
                progress = rdb::bytesRead;
                result = load(rdb, staged, fresh);
                rdb.drain();
            }
            lastIoMs = System.currentTimeMillis();
            replication.log("MASTER <-> REPLICA sync: loaded " + result.keys() + " keys from " + host + ":" + port
                + (staged != null ? " (through " + staged.file().getFileName() + ")" : ""));
            replication.installFullSync(this, fresh, replId, offset, streamDb);
            if (staged != null) {
                staged.keepAs(replication.dumpFile());
            }
        } finally {
            if (staged != null) {
                staged.discard();
            }
        }
        replication.syncFinished("tcp", (System.nanoTime() - started) / 1_000_000, syncReadBytes(), result.keys());
        connected();
        progress = null;
        syncTotalBytes = -1;
        if (marked) {
            // The primary streams only after this first ACK, so the EOF mark ended its bytes.
            sendAck(offset);
        }
    }

    /** Loads the RDB from the socket ({@code staged} null: repl-diskless-load swapdb) or through a file. */
    private static RdbLoadResult load(InputStream rdb, StagedRdb staged, Keyspace fresh) throws IOException, RdbFormatException {
        if (staged != null) {
            return staged.receiveAndLoad(rdb, fresh);
        }
        return RdbLoader.load(new BufferedInputStream(rdb, READ_CHUNK), fresh, Long.MIN_VALUE);
    }

    private void streamLoop(InputStream in, long startOffset) throws IOException, InterruptedException {
        RespParser parser = new RespParser(new ProtocolLimits(ProtocolLimits.MAX_PROTO_MAX_BULK_LEN,
            Integer.MAX_VALUE, 64 * 1024));
        byte[] chunk = new byte[READ_CHUNK];
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        long offset = startOffset;
        readOffset = startOffset;
        while (!stopped) {
            int n = in.read(chunk);
            if (n < 0) {
                throw new EOFException("master closed the connection");
            }
            lastIoMs = System.currentTimeMillis();
            readOffset += n;
            ByteBuffer bb = ByteBuffer.wrap(chunk, 0, n);
            List<StreamCommand> batch = new ArrayList<>();
            int batchBytes = 0;
            while (bb.hasRemaining()) {
                int p0 = bb.position();
                RespParser.Status st = parser.parse(bb);
                current.write(chunk, p0, bb.position() - p0);
                if (st == RespParser.Status.COMMAND) {
                    byte[] raw = current.toByteArray();
                    current.reset();
                    offset += raw.length;
                    batch.add(new StreamCommand(parser.command(), raw, offset));
                    batchBytes += raw.length;
                } else if (st == RespParser.Status.ERROR) {
                    throw new IOException("protocol error in the stream from master: " + parser.error());
                } else {
                    break;
                }
            }
            if (!batch.isEmpty()) {
                int permits = Math.min(batchBytes, MAX_IN_FLIGHT);
                inFlight.acquire(permits);
                replication.apply(this, batch, permits);
            }
        }
    }

    /** The length of "$len" before an RDB: a non-negative decimal, else the primary is broken. */
    private static long parseRdbLength(String header) throws IOException {
        String digits = header.substring(1);
        try {
            long len = Long.parseLong(digits);
            if (len >= 0) {
                return len;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("bad RDB length from master: '" + header + "'");
    }

    private static void send(OutputStream out, String... argv) throws IOException {
        out.write(StreamEncoder.encodeCommand(argv));
        out.flush();
    }

    /** A reply line without CRLF; a lone "\n" (the primary's keepalive) gives "". */
    private String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("master closed the connection during the handshake");
            }
            lastIoMs = System.currentTimeMillis();
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() > 64 * 1024) {
                throw new IOException("reply line from master longer than 64 KiB");
            }
            sb.append((char) b);
        }
    }
}
