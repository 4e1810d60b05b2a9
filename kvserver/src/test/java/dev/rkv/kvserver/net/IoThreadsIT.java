package dev.rkv.kvserver.net;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RkvTestServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** io-threads with many clients at once, so that the IO threads really share the work. */
class IoThreadsIT {
    @Test
    void manyPipelinedClientsGetTheirOwnRepliesInOrder() throws Exception {
        RkvTestServer.handOverEverything();
        for (String doReads : List.of("yes", "no")) {
            try (RkvTestServer server = RkvTestServer.start("--io-threads", "3", "--io-threads-do-reads", doReads)) {
                try (RawClient admin = new RawClient(server.port())) {
                    assertEquals("*2\r\n$10\r\nio-threads\r\n$1\r\n3\r\n", admin.call("CONFIG", "GET", "io-threads"));
                    assertEquals("*2\r\n$19\r\nio-threads-do-reads\r\n$" + doReads.length() + "\r\n" + doReads + "\r\n",
                        admin.call("CONFIG", "GET", "io-threads-do-reads"));
                }
                int clients = 12;
                ExecutorService pool = Executors.newFixedThreadPool(clients);
                try {
                    List<Future<?>> done = new ArrayList<>();
                    for (int c = 0; c < clients; c++) {
                        int id = c;
                        done.add(pool.submit(() -> {
                            pipeline(server.port(), id);
                            return null;
                        }));
                    }
                    for (Future<?> f : done) {
                        f.get();
                    }
                } finally {
                    pool.shutdownNow();
                }
                try (RawClient admin = new RawClient(server.port())) {
                    assertEquals(":" + (clients * 500) + "\r\n", admin.call("DBSIZE"));
                }
            }
        }
    }

    private static void pipeline(int port, int id) throws IOException {
        try (RawClient c = new RawClient(port)) {
            for (int round = 0; round < 5; round++) {
                StringBuilder batch = new StringBuilder();
                for (int i = 0; i < 100; i++) {
                    String k = "c" + id + ":" + (round * 100 + i);
                    batch.append(new String(RawClient.encode("SET", k, "v" + k), StandardCharsets.ISO_8859_1));
                    batch.append(new String(RawClient.encode("GET", k), StandardCharsets.ISO_8859_1));
                }
                c.send(batch.toString());
                List<String> replies = c.readReplies(200);
                for (int i = 0; i < 100; i++) {
                    String v = "vc" + id + ":" + (round * 100 + i);
                    assertEquals("+OK\r\n", replies.get(2 * i));
                    assertEquals("$" + v.length() + "\r\n" + v + "\r\n", replies.get(2 * i + 1));
                }
            }
        }
    }

    @Test
    void theSystemPropertyRunsEveryTestServerOnIoThreads() throws IOException {
        // Guards the switch the suites are run again with (-Drkv.it.io-threads=2): without it
        // they would silently test io-threads 1 twice.
        String n = System.getProperty("rkv.it.io-threads");
        org.junit.jupiter.api.Assumptions.assumeTrue(n != null && !n.isBlank(), "run without -Drkv.it.io-threads");
        try (RkvTestServer server = RkvTestServer.start(); RawClient c = new RawClient(server.port())) {
            String v = n.trim();
            assertEquals("*2\r\n$10\r\nio-threads\r\n$" + v.length() + "\r\n" + v + "\r\n", c.call("CONFIG", "GET", "io-threads"));
        }
    }
}
