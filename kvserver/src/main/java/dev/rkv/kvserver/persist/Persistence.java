package dev.rkv.kvserver.persist;

import dev.rkv.kvserver.ServerLog;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.config.SavePoints;
import dev.rkv.kvserver.config.ServerConfig;
import dev.rkv.kvserver.store.DatabaseSnapshot;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.store.KeyspaceListener;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The server's RDB persistence: SAVE, BGSAVE, save points, loading at start and the final save
 * at shutdown, with the state INFO persistence reports.
 *
 * <p>A background save takes a copy-on-write snapshot of the keyspace on the event loop (cheap:
 * one slot array per database) and writes it from the {@code rkv-bgsave} thread, so the event
 * loop keeps serving while the file is written; the file holds exactly the state at the moment
 * of the snapshot. Completion is handed back to the event loop, which owns every field here.
 * All methods except {@link #close} must be called on the event loop thread (or before it
 * starts).
 */
public final class Persistence implements AutoCloseable {
    /** After a failed background save, automatic saves wait this long (CONFIG_BGSAVE_RETRY_DELAY). */
    static final long BGSAVE_RETRY_DELAY_MS = 5000;

    /** What BGSAVE did. */
    public enum BgsaveOutcome { STARTED, SCHEDULED, ALREADY_IN_PROGRESS, FAILED }

    private final ServerContext server;
    private final Executor eventLoop;
    private final ServerLog log;
    private final ExecutorService saver = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rkv-bgsave");
        t.setDaemon(true);
        return t;
    });
    private Supplier<RdbAux> replicationInfo = () -> null;
    /** Runs on the saver thread before a background save writes anything (tests hold it here). */
    private volatile Runnable beforeBackgroundWrite = () -> { };

    /** The running background save; volatile only so that close() may read it from another thread. */
    private volatile BackgroundSave current;
    private boolean scheduled;
    private boolean lastBgsaveOk = true;
    private long lastBgsaveTryMs;
    private long lastBgsaveTimeSec = -1;
    private long lastSaveDurationMs = -1;
    private long saves;
    private long lastLoadKeysLoaded;
    private long lastLoadKeysExpired;
    /** The replication place recorded in the RDB loaded at startup; null when none. */
    private RdbAux loadedReplication;
    private boolean loading;

    /** One background save: what it needs back on the event loop, and a way to stop it. */
    private static final class BackgroundSave {
        final long startMs;
        final long dirtyBefore;
        volatile boolean cancelled;
        Future<?> future;

        BackgroundSave(long startMs, long dirtyBefore) {
            this.startMs = startMs;
            this.dirtyBefore = dirtyBefore;
        }
    }

    /**
     * @param eventLoop runs completion handlers on the thread that owns {@code server}
     */
    public Persistence(ServerContext server, Executor eventLoop, ServerLog log) {
        this.server = server;
        this.eventLoop = eventLoop;
        this.log = log;
    }

    /** Where replication state for the repl-id/repl-offset aux fields comes from (null: none). */
    public void replicationInfo(Supplier<RdbAux> supplier) {
        replicationInfo = supplier == null ? () -> null : supplier;
    }

    /** For tests: something to run on the saver thread before each background save writes. */
    void beforeBackgroundWrite(Runnable hook) {
        beforeBackgroundWrite = hook;
    }

    /** {@code dir}/{@code dbfilename} as configured now. */
    public Path rdbPath() {
        ServerConfig config = server.config();
        return Path.of(config.getString("dir")).resolve(config.getString("dbfilename"));
    }

    // ---- loading

    /**
     * Loads the configured RDB file into the keyspace, if it exists; call before accepting clients.
     *
     * @throws IOException when the file cannot be read or is corrupt: the server must not start
     */
    public void loadAtStartup() throws IOException {
        Path file = rdbPath();
        long t0 = System.nanoTime();
        loading = true;
        try {
            RdbLoadResult r = RdbFiles.load(file, server.keyspace(), server.nowMs());
            if (r == null) {
                return;
            }
            lastLoadKeysLoaded = r.keys();
            lastLoadKeysExpired = r.expiredSkipped();
            loadedReplication = r.replication();
            log.notice(String.format("DB loaded from disk: %.3f seconds", (System.nanoTime() - t0) / 1e9));
            log.notice("Done loading RDB, keys loaded: " + r.keys() + ", keys expired: " + r.expiredSkipped() + ".");
        } catch (RdbFormatException e) {
            String msg = "Fatal error loading the DB from " + file + ": " + e.getMessage() + ". Exiting.";
            log.warning(msg);
            throw new IOException(msg, e);
        } catch (IOException e) {
            String msg = "Fatal error loading the DB from " + file + ": " + e + ". Exiting.";
            log.warning(msg);
            throw new IOException(msg, e);
        } finally {
            loading = false;
        }
    }

    /**
     * The repl-id, repl-offset and repl-stream-db of the RDB loaded at startup, null when no file
     * was loaded or it lacked one of them: a server configured as a replica resumes from there.
     */
    public RdbAux loadedReplication() {
        return loadedReplication;
    }

    /**
     * Replaces the keyspace with the contents of the configured RDB file (DEBUG RELOAD after a
     * SAVE). The file is loaded into a fresh keyspace first, so a bad file changes nothing.
     */
    public RdbLoadResult reload() throws IOException, RdbFormatException {
        Keyspace fresh = new Keyspace(server.keyspace().count(), new KeyspaceListener() {
        });
        RdbLoadResult r = RdbFiles.load(rdbPath(), fresh, server.nowMs());
        if (r == null) {
            throw new java.nio.file.NoSuchFileException(rdbPath().toString());
        }
        server.keyspace().replaceWith(fresh);
        lastLoadKeysLoaded = r.keys();
        lastLoadKeysExpired = r.expiredSkipped();
        return r;
    }

    // ---- saving

    /**
     * SAVE: writes the keyspace synchronously on this thread.
     *
     * @return false when a background save is running or the write failed (logged)
     */
    public boolean save() {
        if (current != null) {
            return false;
        }
        return saveNow();
    }

    private boolean saveNow() {
        long now = server.nowMs();
        long t0 = System.nanoTime();
        saves++;
        DatabaseSnapshot[] snapshot = server.keyspace().snapshot();
        try {
            writeFile(snapshot, replicationInfo.get(), now);
        } catch (IOException | RuntimeException e) {
            log.warning("Failed saving the DB: " + e.getMessage());
            lastBgsaveOk = false;
            return false;
        } finally {
            DatabaseSnapshot.releaseAll(snapshot);
        }
        lastSaveDurationMs = (System.nanoTime() - t0) / 1_000_000;
        log.notice("DB saved on disk");
        server.stats().dirty = 0;
        server.lastSaveTimeMs(server.nowMs());
        lastBgsaveOk = true;
        return true;
    }

    /**
     * BGSAVE [SCHEDULE]. As in Redis, SCHEDULE only matters when another kind of background job
     * holds the snapshot thread; rkv has none, so both forms start a save when none runs.
     */
    public BgsaveOutcome bgsave(boolean schedule) {
        if (current != null) {
            return BgsaveOutcome.ALREADY_IN_PROGRESS;
        }
        return startBackgroundSave(server.nowMs()) ? BgsaveOutcome.STARTED : BgsaveOutcome.FAILED;
    }

    /**
     * Asks for a background save as soon as none is running (BGSAVE SCHEDULE; also what BGSAVE
     * inside EXEC must do, since a snapshot there would see half a transaction).
     */
    public void scheduleBgsave() {
        scheduled = true;
    }

    private boolean startBackgroundSave(long now) {
        lastBgsaveTryMs = now;
        BackgroundSave job = new BackgroundSave(now, server.stats().dirty);
        DatabaseSnapshot[] snapshot = server.keyspace().snapshot();
        RdbAux aux = replicationInfo.get();
        ServerConfig config = server.config();
        Path dir = Path.of(config.getString("dir"));
        String filename = config.getString("dbfilename");
        RdbWriter writer = new RdbWriter(config.getBool("rdbcompression"), config.getBool("rdbchecksum"));
        try {
            job.future = saver.submit(() -> {
                long t0 = System.nanoTime();
                Throwable failure = null;
                try {
                    beforeBackgroundWrite.run();
                    RdbFiles.writeAtomically(dir, filename,
                        out -> writer.write(snapshot, aux, new Cancellable(out, job), now));
                } catch (IOException | RuntimeException | Error e) {
                    failure = e;
                } finally {
                    DatabaseSnapshot.releaseAll(snapshot);
                }
                long tookMs = (System.nanoTime() - t0) / 1_000_000;
                Throwable f = failure;
                eventLoop.execute(() -> backgroundSaveDone(job, f, tookMs));
            });
        } catch (RejectedExecutionException e) {
            DatabaseSnapshot.releaseAll(snapshot);
            log.warning("Can't save in background: " + e.getMessage());
            lastBgsaveOk = false;
            return false;
        }
        current = job;
        saves++;
        log.notice("Background saving started by thread rkv-bgsave");
        return true;
    }

    private void backgroundSaveDone(BackgroundSave job, Throwable failure, long tookMs) {
        if (job != current) {
            return;
        }
        current = null;
        long now = server.nowMs();
        lastBgsaveTimeSec = (now - job.startMs) / 1000;
        lastSaveDurationMs = tookMs;
        if (failure == null) {
            log.notice("Background saving terminated with success");
            server.stats().dirty = Math.max(0, server.stats().dirty - job.dirtyBefore);
            server.lastSaveTimeMs(now);
            lastBgsaveOk = true;
        } else {
            log.warning("Background saving error: " + failure.getMessage());
            lastBgsaveOk = false;
        }
    }

    private void writeFile(DatabaseSnapshot[] snapshot, RdbAux aux, long now) throws IOException {
        ServerConfig config = server.config();
        RdbWriter writer = new RdbWriter(config.getBool("rdbcompression"), config.getBool("rdbchecksum"));
        RdbFiles.writeAtomically(Path.of(config.getString("dir")), config.getString("dbfilename"),
            out -> writer.write(snapshot, aux, out, now));
    }

    /** Periodic work from the server cron: scheduled saves and save points. */
    public void cron(long now) {
        if (current != null) {
            return;
        }
        boolean mayRetry = lastBgsaveOk || now - lastBgsaveTryMs > BGSAVE_RETRY_DELAY_MS;
        if (scheduled && mayRetry) {
            if (startBackgroundSave(now)) {
                scheduled = false;
            }
            return;
        }
        SavePoints points = server.config().savePoints();
        long dirty = server.stats().dirty;
        long elapsedSec = (now - server.lastSaveTimeMs()) / 1000;
        for (SavePoints.Point p : points.points()) {
            if (dirty >= p.changes() && elapsedSec > p.seconds() && mayRetry) {
                log.notice(p.changes() + " changes in " + p.seconds() + " seconds. Saving...");
                startBackgroundSave(now);
                return;
            }
        }
    }

    /**
     * The final save before SHUTDOWN: stops a running background save, then saves synchronously.
     *
     * @return true when the file was written
     */
    public boolean saveForShutdown() {
        cancelBackgroundSave();
        log.notice("Saving the final RDB snapshot before exiting.");
        boolean ok = saveNow();
        if (!ok) {
            log.warning("Error trying to save the DB, can't exit.");
        }
        return ok;
    }

    /** Stops a running background save and waits for its thread to let go of the temp file. */
    public void cancelBackgroundSave() {
        BackgroundSave job = current;
        if (job == null) {
            return;
        }
        job.cancelled = true;
        try {
            job.future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            log.warning("Background saving error: " + e.getCause());
        }
        current = null;
        log.notice("Background saving cancelled");
    }

    /** The error write commands get while {@link #refusesWrites()} (Redis's shared.bgsaveerr). */
    public static final String MISCONF_ERROR = "MISCONF Redis is configured to save RDB snapshots, but it's currently "
        + "unable to persist to disk. Commands that may modify the data set are disabled, because this instance is "
        + "configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). "
        + "Please check the Redis logs for details about the RDB error.";

    /**
     * Whether write commands must be refused with {@link #MISCONF_ERROR}: the last save failed,
     * save points are configured and stop-writes-on-bgsave-error is on (Redis's
     * writeCommandsDeniedByDiskError).
     */
    public boolean refusesWrites() {
        ServerConfig config = server.config();
        return !lastBgsaveOk && config.getBool("stop-writes-on-bgsave-error") && !config.savePoints().points().isEmpty();
    }

    // ---- state for INFO persistence, LASTSAVE, DEBUG

    public boolean bgsaveInProgress() {
        return current != null;
    }

    public boolean bgsaveScheduled() {
        return scheduled;
    }

    /** "ok" or "err", as INFO rdb_last_bgsave_status. */
    public String lastBgsaveStatus() {
        return lastBgsaveOk ? "ok" : "err";
    }

    /** Duration of the last background save in seconds, -1 before the first (rdb_last_bgsave_time_sec). */
    public long lastBgsaveTimeSec() {
        return lastBgsaveTimeSec;
    }

    /** How long the last save (SAVE or BGSAVE) took writing, in ms; -1 before the first. */
    public long lastSaveDurationMs() {
        return lastSaveDurationMs;
    }

    /** Saves attempted since start (rdb_saves). */
    public long saves() {
        return saves;
    }

    public boolean loading() {
        return loading;
    }

    /**
     * The fields of INFO persistence, in Redis 7.0's order (AOF is never enabled in rkv; the
     * copy-on-write counters of a forked child have no equivalent and read 0).
     */
    public Map<String, String> infoFields(long nowMs) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("loading", loading ? "1" : "0");
        f.put("async_loading", "0");
        f.put("current_cow_peak", "0");
        f.put("current_cow_size", "0");
        f.put("current_cow_size_age", "0");
        f.put("current_fork_perc", "0.00");
        f.put("current_save_keys_processed", "0");
        f.put("current_save_keys_total", "0");
        f.put("rdb_changes_since_last_save", Long.toString(server.stats().dirty));
        f.put("rdb_bgsave_in_progress", current != null ? "1" : "0");
        f.put("rdb_last_save_time", Long.toString(server.lastSaveTimeMs() / 1000));
        f.put("rdb_last_bgsave_status", lastBgsaveStatus());
        f.put("rdb_last_bgsave_time_sec", Long.toString(lastBgsaveTimeSec));
        f.put("rdb_current_bgsave_time_sec", Long.toString(current != null ? (nowMs - current.startMs) / 1000 : -1));
        f.put("rdb_saves", Long.toString(saves));
        f.put("rdb_last_cow_size", "0");
        f.put("rdb_last_load_keys_expired", Long.toString(lastLoadKeysExpired));
        f.put("rdb_last_load_keys_loaded", Long.toString(lastLoadKeysLoaded));
        f.put("aof_enabled", "0");
        f.put("aof_rewrite_in_progress", "0");
        f.put("aof_rewrite_scheduled", "0");
        f.put("aof_last_rewrite_time_sec", "-1");
        f.put("aof_current_rewrite_time_sec", "-1");
        f.put("aof_last_bgrewrite_status", "ok");
        f.put("aof_rewrites", "0");
        f.put("aof_rewrites_consecutive_failures", "0");
        f.put("aof_last_write_status", "ok");
        f.put("aof_last_cow_size", "0");
        f.put("module_fork_in_progress", "0");
        f.put("module_fork_last_cow_size", "0");
        return f;
    }

    /** Stops a running background save and the saver thread (server close). Any thread. */
    @Override
    public void close() {
        BackgroundSave job = current;
        if (job != null) {
            job.cancelled = true;
        }
        saver.shutdown();
        try {
            if (!saver.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warning("background save thread did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Fails the write as soon as its save is cancelled (shutdown), leaving the old file in place. */
    private static final class Cancellable extends FilterOutputStream {
        private final BackgroundSave job;

        Cancellable(OutputStream out, BackgroundSave job) {
            super(out);
            this.job = job;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check();
            out.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
            check();
            out.write(b);
        }

        private void check() throws IOException {
            if (job.cancelled) {
                throw new IOException("background save cancelled");
            }
        }
    }
}
