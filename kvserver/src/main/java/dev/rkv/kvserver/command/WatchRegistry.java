package dev.rkv.kvserver.command;

import dev.rkv.kvserver.store.Database;
import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.KeyspaceListener;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * WATCH bookkeeping: which clients watch which keys; marks them dirty when a key changes.
 *
 * <p>As in Redis 7.0, a key that had already expired (but was still stored) when it was watched
 * is remembered as "stale": its later removal by expiry or deletion is no change for that
 * watcher, since the key was logically absent all along; any new value is.
 */
public final class WatchRegistry implements KeyspaceListener {
    private final Map<WatchedKey, Set<Client>> watchers = new HashMap<>();
    /** Watchers that watched the key while it was logically expired (Redis's watchedKey.expired). */
    private final Map<WatchedKey, Set<Client>> staleWatchers = new HashMap<>();

    public void watch(Client c, int db, Key key) {
        watch(c, db, key, false);
    }

    /** Watches a key; {@code expiredNow} when it is stored but its expiry time has passed. */
    public void watch(Client c, int db, Key key, boolean expiredNow) {
        WatchedKey wk = new WatchedKey(db, key);
        if (c.watched().add(wk)) {
            watchers.computeIfAbsent(wk, k -> new LinkedHashSet<>()).add(c);
            if (expiredNow) {
                staleWatchers.computeIfAbsent(wk, k -> new LinkedHashSet<>()).add(c);
            }
        }
    }

    /** Whether {@code c} watched {@code wk} while it was already expired and nothing changed it since. */
    public boolean watchedWhileExpired(Client c, WatchedKey wk) {
        Set<Client> s = staleWatchers.get(wk);
        return s != null && s.contains(c);
    }

    /** Forgets every key the client watches and clears its dirty flag (EXEC, DISCARD, UNWATCH, RESET, close). */
    public void unwatchAll(Client c) {
        for (WatchedKey wk : c.watched()) {
            removeFrom(watchers, wk, c);
            removeFrom(staleWatchers, wk, c);
        }
        c.watched().clear();
        c.clearDirty();
    }

    private static void removeFrom(Map<WatchedKey, Set<Client>> map, WatchedKey wk, Client c) {
        Set<Client> s = map.get(wk);
        if (s != null) {
            s.remove(c);
            if (s.isEmpty()) {
                map.remove(wk);
            }
        }
    }

    /** Marks the key's watchers dirty; {@code gone} when the key no longer exists after the change. */
    private void touch(WatchedKey wk, boolean gone) {
        Set<Client> s = watchers.get(wk);
        if (s == null) {
            return;
        }
        Set<Client> stale = staleWatchers.get(wk);
        for (Client c : s) {
            if (stale != null && stale.remove(c) && gone) {
                // The key was already expired when watched: its removal changes nothing logically.
                continue;
            }
            c.markDirty();
        }
        if (stale != null && stale.isEmpty()) {
            staleWatchers.remove(wk);
        }
    }

    private void touch(WatchedKey wk) {
        touch(wk, false);
    }

    @Override
    public void keyModified(int db, Key key, Entry newEntryOrNull) {
        if (!watchers.isEmpty()) {
            touch(new WatchedKey(db, key), newEntryOrNull == null);
        }
    }

    @Override
    public void keyExpired(int db, Key key) {
        if (!watchers.isEmpty()) {
            touch(new WatchedKey(db, key), true);
        }
    }

    /**
     * FLUSHDB, FLUSHALL, SWAPDB and full syncs invalidate the watched keys that exist before or
     * after the change, as Redis's touchAllWatchedKeysInDb does: a watched key that exists on
     * neither side is untouched, so its transaction still runs.
     */
    @Override
    public void databaseReplacing(Database db, Database incomingOrNull) {
        if (watchers.isEmpty()) {
            return;
        }
        List<WatchedKey> hit = new ArrayList<>();
        for (WatchedKey wk : watchers.keySet()) {
            if (wk.db() == db.index()
                && (db.peek(wk.key()) != null || incomingOrNull != null && incomingOrNull.peek(wk.key()) != null)) {
                hit.add(wk);
            }
        }
        hit.forEach(this::touch);
    }

    public int watchedKeyCount() {
        return watchers.size();
    }
}
