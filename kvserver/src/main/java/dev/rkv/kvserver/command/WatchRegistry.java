package dev.rkv.kvserver.command;

import dev.rkv.kvserver.store.Entry;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.KeyspaceListener;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** WATCH bookkeeping: which clients watch which keys; marks them dirty when a key changes. */
public final class WatchRegistry implements KeyspaceListener {
    private final Map<WatchedKey, Set<Client>> watchers = new HashMap<>();

    public void watch(Client c, int db, Key key) {
        WatchedKey wk = new WatchedKey(db, key);
        if (c.watched().add(wk)) {
            watchers.computeIfAbsent(wk, k -> new LinkedHashSet<>()).add(c);
        }
    }

    public void unwatchAll(Client c) {
        for (WatchedKey wk : c.watched()) {
            Set<Client> s = watchers.get(wk);
            if (s != null) {
                s.remove(c);
                if (s.isEmpty()) {
                    watchers.remove(wk);
                }
            }
        }
        c.watched().clear();
    }

    private void touch(WatchedKey wk) {
        Set<Client> s = watchers.get(wk);
        if (s != null) {
            for (Client c : s) {
                c.markDirty();
            }
        }
    }

    @Override
    public void keyModified(int db, Key key, Entry newEntryOrNull) {
        if (!watchers.isEmpty()) {
            touch(new WatchedKey(db, key));
        }
    }

    @Override
    public void keyExpired(int db, Key key) {
        if (!watchers.isEmpty()) {
            touch(new WatchedKey(db, key));
        }
    }

    @Override
    public void databaseReplaced(int db) {
        if (watchers.isEmpty()) {
            return;
        }
        List<WatchedKey> hit = new ArrayList<>();
        for (WatchedKey wk : watchers.keySet()) {
            if (wk.db() == db) {
                hit.add(wk);
            }
        }
        hit.forEach(this::touch);
    }

    public int watchedKeyCount() {
        return watchers.size();
    }
}
