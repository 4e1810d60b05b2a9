package dev.rkv.kvserver.store;

/** The numbered databases of one server. Owned by the event loop thread. */
public final class Keyspace {
    private final Database[] databases;
    /** One clock for all databases: SWAPDB and MOVE carry values between them. */
    private final SnapshotClock clock = new SnapshotClock();

    public Keyspace(int count, KeyspaceListener listener) {
        if (count < 1) {
            throw new IllegalArgumentException("databases must be at least 1, got " + count);
        }
        databases = new Database[count];
        for (int i = 0; i < count; i++) {
            databases[i] = new Database(i, listener, clock);
        }
    }

    /** See {@link Database#expireOnAccess(boolean)}: false while this server is a replica. */
    public void expireOnAccess(boolean value) {
        for (Database d : databases) {
            d.expireOnAccess(value);
        }
    }

    public int count() {
        return databases.length;
    }

    public Database db(int index) {
        return databases[index];
    }

    public void flushAll() {
        for (Database d : databases) {
            d.clear();
        }
    }

    public void swap(int a, int b) {
        if (a != b) {
            databases[a].swapWith(databases[b]);
        }
    }

    /**
     * Replaces the contents of every database with those of {@code loaded} (a keyspace filled
     * off-line, e.g. from a full-sync RDB), which is left empty. Listeners of this keyspace see
     * every database replaced. Both must have the same number of databases.
     */
    public void replaceWith(Keyspace loaded) {
        if (loaded.count() != count()) {
            throw new IllegalArgumentException("keyspace with " + loaded.count() + " databases cannot replace one with "
                + count());
        }
        for (int i = 0; i < databases.length; i++) {
            databases[i].replaceWith(loaded.databases[i]);
        }
    }

    /** A point-in-time view of every database (see {@link Database#snapshot()}). */
    public DatabaseSnapshot[] snapshot() {
        DatabaseSnapshot[] out = new DatabaseSnapshot[databases.length];
        for (int i = 0; i < databases.length; i++) {
            out[i] = databases[i].snapshot();
        }
        return out;
    }

    /** Snapshots taken and not released yet (tests, INFO). */
    public int liveSnapshots() {
        return clock.live();
    }

    public long totalKeys() {
        long n = 0;
        for (Database d : databases) {
            n += d.size();
        }
        return n;
    }

    public long expiredKeys() {
        long n = 0;
        for (Database d : databases) {
            n += d.expiredKeys();
        }
        return n;
    }
}
