package dev.rkv.kvserver.pubsub;

import dev.rkv.kvserver.config.KeyspaceEventClasses;
import dev.rkv.kvserver.store.Key;
import dev.rkv.kvserver.store.KeyspaceListener;

import java.nio.charset.StandardCharsets;

/**
 * Keyspace notifications (Redis's notifyKeyspaceEvent): a command that changed a key names the
 * event, and when its class is selected by {@code notify-keyspace-events} the event goes out
 * through Pub/Sub on {@code __keyspace@<db>__:<key>} (message: the event) and
 * {@code __keyevent@<db>__:<event>} (message: the key), to channel and pattern subscribers.
 *
 * <p>Commands call {@link #notify} where Redis calls notifyKeyspaceEvent, in the same order.
 * Events no command names come from the keyspace itself: "new" when a key is added and
 * "expired" when lazy or active expiry removes one. With notifications off (the default) a call
 * costs one bit test and allocates nothing. Owned by the event loop thread.
 */
public final class KeyspaceEvents implements KeyspaceListener {
    private static final int CHANNELS = KeyspaceEventClasses.KEYSPACE | KeyspaceEventClasses.KEYEVENT;
    private final PubSub pubsub;
    /** The selected classes; 0 unless both an event class and a channel kind are selected. */
    private int effective;

    public KeyspaceEvents(PubSub pubsub) {
        this.pubsub = pubsub;
    }

    /** Applies a new {@code notify-keyspace-events} value (bits of {@link KeyspaceEventClasses}). */
    public void select(int classes) {
        // Events of a selected class go nowhere without K or E, nor do channels carry any without
        // a class: either way nothing is published, so the early-out can test one int.
        boolean publishes = (classes & CHANNELS) != 0 && (classes & ~CHANNELS) != 0;
        effective = publishes ? classes : 0;
    }

    /** Whether events of this class are published now (lets a caller skip building an event name). */
    public boolean wants(int eventClass) {
        return (effective & eventClass) != 0;
    }

    /** Publishes {@code event} for {@code key} of database {@code db} when its class is selected. */
    public void notify(int eventClass, String event, byte[] key, int db) {
        if ((effective & eventClass) == 0) {
            return;
        }
        if ((effective & KeyspaceEventClasses.KEYSPACE) != 0) {
            pubsub.publishKeyspaceEvent("__keyspace@" + db + "__:" + PubSub.name(key), event.getBytes(StandardCharsets.US_ASCII));
        }
        if ((effective & KeyspaceEventClasses.KEYEVENT) != 0) {
            pubsub.publishKeyspaceEvent("__keyevent@" + db + "__:" + event, key);
        }
    }

    @Override
    public void keyAdded(int db, Key key) {
        notify(KeyspaceEventClasses.NEW, "new", key.bytes(), db);
    }

    @Override
    public void keyExpired(int db, Key key) {
        notify(KeyspaceEventClasses.EXPIRED, "expired", key.bytes(), db);
    }
}
