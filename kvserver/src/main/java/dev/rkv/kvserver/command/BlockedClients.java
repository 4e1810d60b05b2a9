package dev.rkv.kvserver.command;

import dev.rkv.kvserver.store.Database;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.KeyspaceListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Clients blocked in a command until keys become ready (BLPOP, BLMOVE, BZPOPMIN ...) or a
 * timeout passes. A write to a key someone waits for marks it ready; after each command the
 * ready keys' waiters are served in the order they blocked (first come, first served), each by
 * its {@link Blocker}, which replies and propagates what it did as a plain command. While
 * blocked, a client's further commands wait in order. Owned by the event loop thread.
 */
public final class BlockedClients implements KeyspaceListener {
    /** What a blocked command does when woken. */
    public interface Blocker {
        /** {@code readyKey}, one it waits for, may have what it needs: serve now if possible; true when it replied. */
        boolean tryServe(Client c, Key readyKey);

        /** The timeout passed (or CLIENT UNBLOCK ... TIMEOUT): reply the command's timeout answer. */
        void timedOut(Client c);
    }

    private record WaitKey(int db, Key key) {
    }

    private static final class Blocked {
        final List<WaitKey> keys;
        final long deadlineMs;
        final Blocker blocker;
        final Deque<byte[][]> deferred = new ArrayDeque<>();

        Blocked(List<WaitKey> keys, long deadlineMs, Blocker blocker) {
            this.keys = keys;
            this.deadlineMs = deadlineMs;
            this.blocker = blocker;
        }
    }

    private final ServerContext server;
    private final Map<Client, Blocked> byClient = new LinkedHashMap<>();
    private final Map<WaitKey, LinkedHashSet<Client>> byKey = new HashMap<>();
    private final LinkedHashSet<WaitKey> ready = new LinkedHashSet<>();
    private boolean serving;

    BlockedClients(ServerContext server) {
        this.server = server;
    }

    /** Blocks {@code c} on {@code keys} of database {@code db} until served or {@code deadlineMs} (0: none). */
    public void block(Client c, int db, List<Key> keys, long deadlineMs, Blocker blocker) {
        List<WaitKey> waitKeys = new ArrayList<>(keys.size());
        for (Key k : keys) {
            WaitKey wk = new WaitKey(db, k);
            if (!waitKeys.contains(wk)) {
                waitKeys.add(wk);
                byKey.computeIfAbsent(wk, x -> new LinkedHashSet<>()).add(c);
            }
        }
        byClient.put(c, new Blocked(waitKeys, deadlineMs, blocker));
    }

    public boolean isBlocked(Client c) {
        return byClient.containsKey(c);
    }

    /** Clients blocked now (INFO blocked_clients). */
    public int count() {
        return byClient.size();
    }

    /** Keeps a command of a blocked client until it is unblocked, so replies stay in order; true when kept. */
    public boolean deferIfBlocked(Client c, byte[][] argv) {
        Blocked b = byClient.get(c);
        if (b == null) {
            return false;
        }
        b.deferred.add(argv);
        return true;
    }

    @Override
    public void keyModified(int db, Key key, Entry newEntryOrNull) {
        if (newEntryOrNull != null && !byKey.isEmpty()) {
            WaitKey wk = new WaitKey(db, key);
            if (byKey.containsKey(wk)) {
                ready.add(wk);
            }
        }
    }

    @Override
    public void databaseReplaced(int db) {
        for (WaitKey wk : byKey.keySet()) {
            if (wk.db() == db) {
                ready.add(wk);
            }
        }
    }

    /**
     * Serves the waiters of every key made ready since the last call, in blocking order, until
     * no ready key is left (serving one may make another ready: BLMOVE pushes). Called after each
     * command; a call made while serving returns at once (the outer loop picks up the work).
     */
    public void serveReady() {
        if (serving || ready.isEmpty()) {
            return;
        }
        serving = true;
        try {
            while (!ready.isEmpty()) {
                List<WaitKey> batch = new ArrayList<>(ready);
                ready.clear();
                for (WaitKey wk : batch) {
                    LinkedHashSet<Client> waiting = byKey.get(wk);
                    if (waiting == null) {
                        continue;
                    }
                    for (Client c : new ArrayList<>(waiting)) {
                        Blocked b = byClient.get(c);
                        if (b != null && b.blocker.tryServe(c, wk.key())) {
                            release(c);
                        }
                    }
                }
            }
        } finally {
            serving = false;
        }
    }

    /** Answers every waiter whose timeout passed; called often by the event loop. */
    public void checkTimeouts(long nowMs) {
        if (byClient.isEmpty()) {
            return;
        }
        List<Client> due = new ArrayList<>();
        for (Map.Entry<Client, Blocked> e : byClient.entrySet()) {
            long deadline = e.getValue().deadlineMs;
            if (deadline > 0 && nowMs >= deadline) {
                due.add(e.getKey());
            }
        }
        for (Client c : due) {
            Blocked b = byClient.get(c);
            if (b != null) {
                b.blocker.timedOut(c);
                release(c);
            }
        }
        serveReady();
    }

    /**
     * CLIENT UNBLOCK: ends the wait of {@code c} with its timeout answer, or with an UNBLOCKED
     * error; false when it was not blocked here.
     */
    public boolean unblock(Client c, boolean withError) {
        Blocked b = byClient.get(c);
        if (b == null) {
            return false;
        }
        if (withError) {
            c.out().error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
        } else {
            b.blocker.timedOut(c);
        }
        release(c);
        return true;
    }

    /** The client disconnected: forget its wait and what it queued. */
    public void forget(Client c) {
        Blocked b = byClient.remove(c);
        if (b != null) {
            unlink(c, b);
        }
    }

    private void unlink(Client c, Blocked b) {
        for (WaitKey wk : b.keys) {
            LinkedHashSet<Client> waiting = byKey.get(wk);
            if (waiting != null) {
                waiting.remove(c);
                if (waiting.isEmpty()) {
                    byKey.remove(wk);
                }
            }
        }
    }

    /** Unblocks after a reply was written: runs what the client sent meanwhile, then flushes. */
    private void release(Client c) {
        Blocked b = byClient.remove(c);
        if (b == null) {
            return;
        }
        unlink(c, b);
        while (!b.deferred.isEmpty()) {
            byte[][] argv = b.deferred.poll();
            server.dispatcher().dispatch(c, argv);
            Blocked again = byClient.get(c);
            if (again != null) {
                again.deferred.addAll(b.deferred);
                break;
            }
        }
        c.connection().requestFlush();
    }
}
