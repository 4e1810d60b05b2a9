package dev.rkv.kvserver.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rkv.kvserver.config.KeyspaceEventClasses;
import dev.rkv.kvserver.store.Key;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class KeyspaceEventsTest {

    @Test
    void aClassIsWantedOnlyWithAChannelKindToCarryIt() throws Exception {
        KeyspaceEvents events = new KeyspaceEvents(new PubSub());
        events.select(KeyspaceEventClasses.parse("A"));
        assertFalse(events.wants(KeyspaceEventClasses.GENERIC));
        events.select(KeyspaceEventClasses.parse("KE"));
        assertFalse(events.wants(KeyspaceEventClasses.GENERIC));
        events.select(KeyspaceEventClasses.parse("Eg"));
        assertTrue(events.wants(KeyspaceEventClasses.GENERIC));
        assertFalse(events.wants(KeyspaceEventClasses.STRING));
        events.select(KeyspaceEventClasses.parse("KEA"));
        assertFalse(events.wants(KeyspaceEventClasses.NEW));
        assertFalse(events.wants(KeyspaceEventClasses.KEY_MISS));
    }

    @Test
    void eventsOfClassesNotSelectedAllocateNothing() throws Exception {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        KeyspaceEvents events = new KeyspaceEvents(new PubSub());
        events.select(KeyspaceEventClasses.parse("Kg"));
        Key key = Key.of("some:key");
        byte[] name = key.bytes();
        for (int round = 0; round < 2; round++) {
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 100_000; i++) {
                events.notify(KeyspaceEventClasses.HASH, "hset", name, 0);
                events.keyAdded(0, key);
                events.keyExpired(0, key);
            }
            long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            if (round == 1) {
                // The counter's own reading may allocate a little; 300,000 calls must not.
                assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
            }
        }
        assertEquals(0, new PubSub().publish("__keyspace@0__:x", new byte[0]));
    }
}
