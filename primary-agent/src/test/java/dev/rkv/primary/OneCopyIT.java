package dev.rkv.primary;

import dev.rkv.kvserver.store.DatabaseSnapshot;
import dev.rkv.kvserver.testing.FuzzBudget;
import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.rdma.Providers;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One copy of each string: the primary's entries read their bytes from the table's slots, so a
 * slot that some entry still reads must never be rewritten. These are the ways it could be:
 * a value moved to a key that waits for a bigger table, a snapshot that holds values whose keys
 * are rewritten, an expired key whose DEL is published before the table hears of it, and a
 * random mix of every string command with growth failing and healing, answered exactly as
 * redis-server answers it.
 */
class OneCopyIT {
    private static final byte[] NIL = "(nil)".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aValueRenamedOntoAKeyWaitingForABiggerTableKeepsItsBytes() throws Exception {
        FlakyAllocationDevice device = new FlakyAllocationDevice(Providers.open("soft"));
        try (RkvTestServer s = RkvTestServer.start(); Jedis j = s.jedis();
             PrimaryAgent agent = PrimaryAgent.attach(s.server(), PrimaryAgentOptions.defaults(), device)) {
            String a = "A".repeat(100);
            j.set("a0", a);
            device.failWithRegistrationError();
            for (int i = 0; device.refused() == 0; i++) {
                j.set("f" + i, "f".repeat(100));
            }
            // The class is full and the table cannot grow: x0 waits for a bigger table, its value on the heap.
            j.set("x0", "X".repeat(100));
            assertTrue(agent.stats().unavailable() != null, agent.stats().toString());
            j.rename("a0", "x0");
            // a0's slot is free now and b0 may take it: x0, which holds a0's value, must not see b0's bytes.
            j.set("b0", "B".repeat(100));
            j.set("b1", "C".repeat(100));
            assertEquals(a, j.get("x0"));

            device.heal();
            awaitCaughtUp(s, j, agent);
            assertEquals(a, j.get("x0"));
            assertTableIsKeyspace(s, agent);
        }
    }

    @Test
    void anExpiredKeyIsDeletedFromTheTableBeforeTheOffsetOfItsDelIsPublished() throws Exception {
        try (RkvTestServer s = RkvTestServer.start(); Jedis j = s.jedis();
             PrimaryAgent agent = PrimaryAgent.attach(s.server(), PrimaryAgentOptions.defaults().withProvider("soft"))) {
            j.set("k", "short-lived", redis.clients.jedis.params.SetParams.setParams().px(30));
            j.set("other", "1");
            Thread.sleep(80);
            assertNull(j.get("k"), "expired on access, and its DEL propagated");
            long offset = s.call(() -> s.server().context().replication().offset());
            assertEquals(offset, (long) agent.withTable((w, r) -> w.replicationOffset()));
            boolean held = agent.withTable((w, r) -> w.locateValue(TableKeys.encode(0, bytes("k"))));
            assertFalse(held,
                "the header's offset counts k's DEL, so the table must not hold k any more");
            assertTableIsKeyspace(s, agent);
        }
    }

    @Test
    void aSnapshotReadsItsValuesWhileTheirKeysAreRewrittenDeletedAndTheirSlotsWanted() throws Exception {
        try (RkvTestServer s = RkvTestServer.start(); Jedis j = s.jedis();
             PrimaryAgent agent = PrimaryAgent.attach(s.server(), PrimaryAgentOptions.defaults().withProvider("soft"))) {
            Map<String, String> before = new LinkedHashMap<>();
            for (int i = 0; i < 300; i++) {
                before.put("k" + i, (char) ('a' + i % 26) + "-" + i + "-" + "v".repeat(i % 200));
                j.set("k" + i, before.get("k" + i));
            }
            DatabaseSnapshot[] snapshot = s.call(() -> s.server().context().keyspace().snapshot());
            try {
                for (int i = 0; i < 300; i++) {
                    if (i % 3 == 0) {
                        j.del("k" + i);
                    } else if (i % 3 == 1) {
                        j.set("k" + i, "rewritten-" + i + "z".repeat(i % 200));
                    } else {
                        j.append("k" + i, "+");
                    }
                    // New keys of the same sizes want the freed slots.
                    j.set("n" + i, "n".repeat(i % 200 + 4));
                }
                for (int i = 0; i < 2000; i++) {
                    j.set("grow" + i, "g".repeat(i % 250));
                }
                assertTrue(agent.stats().grows() > 0, "the table grew under the snapshot: " + agent.stats());
                Map<String, String> seen = s.call(() -> {
                    Map<String, String> out = new HashMap<>();
                    snapshot[0].forEach((k, e) -> out.put(str(k.bytes()), str(e.bytes())));
                    return out;
                });
                assertEquals(new TreeMap<>(before), new TreeMap<>(seen), "the snapshot reads what the keys held when it was taken");
                assertTrue(agent.withTable((w, r) -> w.heldSlots()) > 0, "freed slots are held while the snapshot lives");
            } finally {
                DatabaseSnapshot.releaseAll(snapshot);
            }
            j.set("after", "the snapshot");
            assertEquals(0L, (long) agent.withTable((w, r) -> w.heldSlots()), "released at the first write after it");
            assertTableIsKeyspace(s, agent);
            for (int i = 0; i < 300; i++) {
                assertEquals(i % 3 == 0 ? null : i % 3 == 1 ? "rewritten-" + i + "z".repeat(i % 200) : before.get("k" + i) + "+",
                    j.get("k" + i));
            }
        }
    }

    /**
     * Every string command that can move, copy, rewrite or delete a value, at random over a few
     * keys in two databases, while the table grows and, for stretches, cannot grow: each reply
     * is compared with redis-server's, and every value at every checkpoint.
     */
    @Test
    void randomStringCommandsAnswerAsRedisDoesWhileTheTableGrowsAndFailsToGrow() throws Exception {
        long seed = FuzzBudget.seed(0x0AEC0B1L);
        Random rnd = new Random(seed);
        FuzzBudget budget = FuzzBudget.of(6000);
        FlakyAllocationDevice device = new FlakyAllocationDevice(Providers.open("soft"));
        try (RedisReference redis = RedisReference.start(); Jedis ref = redis.jedis();
             RkvTestServer s = RkvTestServer.start(); Jedis rkv = s.jedis();
             PrimaryAgent agent = PrimaryAgent.attach(s.server(), PrimaryAgentOptions.defaults().withExpected(16, 64), device)) {
            List<String> history = new ArrayList<>();
            int db = 0;
            for (long n = 0; budget.more(); n++) {
                if (n % 400 == 200) {
                    device.failWithRegistrationError();
                } else if (n % 400 == 0) {
                    device.heal();
                }
                String[] cmd = randomCommand(rnd, db);
                if (cmd[0].equals("SELECT")) {
                    db = Integer.parseInt(cmd[1]);
                }
                history.add(String.join(" ", abbreviated(cmd)));
                if (history.size() > 30) {
                    history.remove(0);
                }
                Object expected = reply(ref, cmd);
                Object actual = reply(rkv, cmd);
                assertEquals(expected, actual, "seed " + seed + ", command " + n + "; the last commands:\n" + String.join("\n", history));
                if (n % 250 == 249) {
                    assertSameValues(ref, rkv, "seed " + seed + " after command " + n);
                }
            }
            device.heal();
            awaitCaughtUp(s, rkv, agent);
            rkv.select(0);
            ref.select(0);
            assertSameValues(ref, rkv, "seed " + seed + " at the end");
            assertTableIsKeyspace(s, agent);
            assertTrue(agent.stats().grows() > 0 && agent.stats().growFailures() > 0, agent.stats().toString());
        }
    }

    private static final String[] KEYS = {"a", "b", "c", "d", "e", "f", "g", "h", "n1", "n2"};

    private static String[] randomCommand(Random rnd, int db) {
        String k = KEYS[rnd.nextInt(KEYS.length)];
        String k2 = KEYS[rnd.nextInt(KEYS.length)];
        int r = rnd.nextInt(100);
        if (r < 25) {
            return new String[] {"SET", k, value(rnd)};
        } else if (r < 32) {
            return new String[] {"APPEND", k, value(rnd)};
        } else if (r < 37) {
            return new String[] {"SETRANGE", k, Integer.toString(rnd.nextInt(300)), value(rnd)};
        } else if (r < 45) {
            return new String[] {"RENAME", k, k2};
        } else if (r < 48) {
            return new String[] {"RENAMENX", k, k2};
        } else if (r < 53) {
            return rnd.nextBoolean() ? new String[] {"COPY", k, k2, "REPLACE"} : new String[] {"COPY", k, k2, "DB", Integer.toString(1 - db)};
        } else if (r < 57) {
            return new String[] {"MOVE", k, Integer.toString(1 - db)};
        } else if (r < 62) {
            return new String[] {"DEL", k};
        } else if (r < 65) {
            return new String[] {"GETDEL", k};
        } else if (r < 68) {
            return new String[] {"GETSET", k, value(rnd)};
        } else if (r < 70) {
            return new String[] {"SET", k, value(rnd), "GET"};
        } else if (r < 73) {
            return new String[] {"SET", k, Integer.toString(rnd.nextInt(1000))};
        } else if (r < 76) {
            return new String[] {"INCRBY", k, Integer.toString(rnd.nextInt(100))};
        } else if (r < 78) {
            return new String[] {"MSET", k, value(rnd), k2, value(rnd)};
        } else if (r < 80) {
            return new String[] {"SELECT", Integer.toString(1 - db)};
        } else if (r < 81) {
            return new String[] {"SWAPDB", "0", "1"};
        } else if (r < 82) {
            return new String[] {"EXPIRE", k, "100000"};
        } else if (r < 83) {
            return new String[] {"PERSIST", k};
        } else if (r < 92) {
            return new String[] {"GET", k};
        } else if (r < 95) {
            return new String[] {"STRLEN", k};
        } else if (r < 98) {
            return new String[] {"GETRANGE", k, Integer.toString(rnd.nextInt(50)), Integer.toString(rnd.nextInt(400) - 100)};
        }
        return new String[] {"MGET", k, k2};
    }

    /** Mostly slot-sized values, sometimes ones only the overflow area holds. */
    private static String value(Random rnd) {
        int r = rnd.nextInt(100);
        int length = r < 70 ? rnd.nextInt(120) : r < 97 ? 120 + rnd.nextInt(1500) : 4000 + rnd.nextInt(20_000);
        char c = (char) ('a' + rnd.nextInt(26));
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(i % 7 == 0 ? (char) ('0' + rnd.nextInt(10)) : c);
        }
        return b.toString();
    }

    private static String[] abbreviated(String[] cmd) {
        String[] out = cmd.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i].length() > 24) {
                out[i] = out[i].substring(0, 12) + "..(" + out[i].length() + ")";
            }
        }
        return out;
    }

    /** A reply in a form that compares by content: bulk strings as text, errors as "ERR: message". */
    private static Object reply(Jedis j, String[] cmd) {
        try {
            String[] args = java.util.Arrays.copyOfRange(cmd, 1, cmd.length);
            return normalized(j.sendCommand(Protocol.Command.valueOf(cmd[0]), args));
        } catch (JedisDataException e) {
            return "ERR: " + e.getMessage();
        }
    }

    private static Object normalized(Object o) {
        if (o == null) {
            return str(NIL);
        }
        if (o instanceof byte[] b) {
            return str(b);
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(normalized(x)));
            return out;
        }
        return o;
    }

    private static void assertSameValues(Jedis ref, Jedis rkv, String where) {
        for (int db = 0; db < 2; db++) {
            for (Jedis j : List.of(ref, rkv)) {
                j.sendCommand(Protocol.Command.SELECT, Integer.toString(db));
            }
            for (String k : KEYS) {
                byte[] expected = ref.get(bytes(k));
                byte[] actual = rkv.get(bytes(k));
                if (expected == null || actual == null) {
                    assertEquals(expected == null, actual == null, where + ": db " + db + " key " + k);
                } else {
                    assertArrayEquals(expected, actual, where + ": db " + db + " key " + k);
                }
            }
        }
        // The connections go on in the database the random commands last selected.
        for (Jedis j : List.of(ref, rkv)) {
            j.sendCommand(Protocol.Command.SELECT, "1");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Writes until the table has caught up with the keyspace after allocations heal (the backoff ends). */
    private static void awaitCaughtUp(RkvTestServer s, Jedis j, PrimaryAgent agent) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        for (int i = 0; agent.stats().unavailable() != null; i++) {
            assertTrue(System.nanoTime() < deadline, "the table never caught up: " + agent.stats());
            j.set("catch-up", Integer.toString(i));
            Thread.sleep(20);
        }
    }

    private static void assertTableIsKeyspace(RkvTestServer s, PrimaryAgent agent) throws Exception {
        Map<String, String> table = TableDump.liveTable(agent);
        Map<String, String> keyspace = s.call(() -> TableDump.keyspace(s.server().context().keyspace()));
        assertEquals(keyspace, table);
        long offset = s.call(() -> s.server().context().replication().offset());
        assertEquals(offset, (long) agent.withTable((w, r) -> w.replicationOffset()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
