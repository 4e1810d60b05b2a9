package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.store.Keyspace;

import java.io.IOException;

/**
 * A full sync that does not go through the primary's RDB stream: the replica agent pulls the
 * primary's mapping table with RDMA READ. The replica's link thread calls it instead of the
 * classic full sync when the sync transport is {@code rdma}; the server knows replication
 * only through this interface, so it builds and runs without the agents.
 */
public interface AcceleratedSync {

    /** Where to sync from and how to authenticate ({@code masteruser}/{@code masterauth}, empty for none). */
    record Request(String host, int port, String user, String password, int databases) {
        @Override
        public String toString() {
            return "Request[" + host + ":" + port + ", user=" + (user.isEmpty() ? "default" : user) + ", databases=" + databases + "]";
        }
    }

    /**
     * A completed pull: the dataset is in the keyspace given to {@link #sync}, as of the
     * primary's stream offset {@code offset} under {@code replId}; continue the stream with
     * {@code PSYNC replId offset+1} with {@code streamDb} selected (the database the primary's
     * stream had in force at {@code offset}, -1 when its next effect selects one) and pass each
     * command through {@code filter}.
     */
    record Result(String replId, long offset, int streamDb, StreamFilter filter, long keys, long bytes) {
    }

    /** The primary has no agent (or refuses this replica): use the classic sync. */
    final class Unavailable extends IOException {
        public Unavailable(String message) {
            super(message);
        }
    }

    /**
     * Pulls the primary's dataset into {@code into} (empty, owned by the calling thread until
     * this returns). Blocks the calling (link) thread; {@code progress} may be read by any
     * thread meanwhile.
     *
     * @throws Unavailable when the primary has no agent or refuses the credentials
     * @throws IOException when the pull failed (primary gone, table never consistent): the
     *                     caller keeps its old dataset and retries later
     */
    Result sync(Request request, Keyspace into, ProgressSink progress) throws IOException, InterruptedException;

    /** Where {@link #sync} reports its progress. */
    interface ProgressSink {
        void total(long bytes);

        void pulled(long bytes);

        void loaded(long keys);
    }

    /** The transport's name in INFO replication (for example {@code rdma/soft}). */
    String transportName();

    /**
     * Fields for INFO's "accelerator" section (any thread: values must be safe to read while a
     * pull runs): what an operator needs to see that the server's own figures do not show.
     */
    default void info(dev.rkv.kvserver.info.InfoFields fields) {
    }
}
