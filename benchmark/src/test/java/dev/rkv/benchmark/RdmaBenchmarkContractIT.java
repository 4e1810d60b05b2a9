package dev.rkv.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rkv.kvserver.testing.RdmaClients;
import dev.rkv.kvserver.testing.RkvTestServer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

/**
 * {@code rkv benchmark --rdma} against a real rkv server with an RDMA listener, once per provider
 * (one subclass each): the server executed exactly what the options asked for, checked over TCP.
 * The server's receive buffers are 64 KiB, the smallest allowed, so large requests and pipelines
 * fill them and the benchmark's clients must wait for the buffer to be announced again. Small -n;
 * no timing assertions (the timeout only guards against a hang).
 */
abstract class RdmaBenchmarkContractIT {
    private static final Duration HANG_GUARD = Duration.ofSeconds(120);

    private RkvTestServer server;
    private Jedis jedis;

    /** "soft" or "shm". */
    protected abstract String provider();

    @BeforeEach
    void start() throws IOException {
        server = RkvTestServer.start("--rdma-port", Integer.toString(RdmaClients.freePort()), "--rdma-provider",
            provider(), "--rdma-rx-size", "65536");
        jedis = server.jedis();
    }

    @AfterEach
    void stop() {
        jedis.close();
        server.close();
    }

    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of("-p", Integer.toString(server.server().rdmaPort()), "--rdma",
            "--provider", provider()));
        all.addAll(List.of(args));
        return assertTimeoutPreemptively(HANG_GUARD, () -> Run.of(all.toArray(new String[0])));
    }

    @Test
    void theIssuesCommandLineRunsAndPrintsTheCsv() {
        Run r = run("-t", "get,set,ping", "-c", "30", "-d", "1024", "-n", "3000", "--csv");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.outLines();
        assertEquals("\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\",\"p95_latency_ms\","
            + "\"p99_latency_ms\",\"max_latency_ms\"", lines.get(0));
        assertEquals(List.of("PING_INLINE", "PING_MBULK", "SET", "GET"),
            lines.subList(1, lines.size()).stream().map(l -> l.substring(1, l.indexOf('"', 1))).toList());
        // SET wrote the 1024-byte value GET then read
        assertEquals(1024, jedis.strlen("key:__rand_int__"));
    }

    @Test
    void everyRequestIsExecutedExactlyOnce() {
        Run r = run("-t", "incr", "-c", "7", "-n", "5000", "-P", "3", "--threads", "2", "-q");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("5000", jedis.get("counter:__rand_int__"));
    }

    @Test
    void randomKeysSpreadOverTheKeyspace() {
        Run r = run("-t", "set", "-c", "5", "-n", "3000", "-r", "100", "-d", "10", "-q");
        assertEquals(0, r.exitCode(), r.toString());
        // 3000 draws from 100 keys miss one with probability 100 * 0.99^3000, about 1e-11.
        Set<String> keys = jedis.keys("*");
        assertEquals(100, keys.size(), keys.toString());
    }

    @Test
    void requestsLargerThanTheServersReceiveBufferGoThroughInParts() {
        // 8 pipelined SETs of 100 KB: 800 KB per batch into 64 KiB buffers, and GET replies as large.
        Run r = run("-t", "set,get", "-c", "2", "-n", "64", "-P", "8", "-d", "100000", "--csv");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(100_000, jedis.strlen("key:__rand_int__"));
    }

    @Test
    void errorRepliesStopTheRunAsOverTcp() {
        jedis.set("mylist", "not a list");
        Run r = run("-t", "lpush", "-c", "2", "-n", "20", "-q");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("Error from server: WRONGTYPE"), r.err());
    }

    @Test
    void repliesThatNeverComeHitTheReplyTimeout() {
        // BLPOP 0 on a missing list: the server answers the setup, then none of the load's requests.
        Run r = run("-c", "3", "-n", "3", "--reply-timeout", "500", "blpop", "nolist", "0");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("rkv benchmark: blpop nolist 0: no reply from 127.0.0.1:"
            + server.server().rdmaPort() + " for "), r.err());
        assertTrue(r.err().contains("(--reply-timeout 500), 0 of 3 requests answered"), r.err());
    }

    @Test
    void aServerThatGoesAwayMidRunIsAClearError() throws Exception {
        Thread stopper = new Thread(() -> {
            try {
                // stop the server once the benchmark has made its connections and is running
                while (server.connectedClients() < 4) {
                    Thread.sleep(5);
                }
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.close();
        });
        stopper.start();
        Run r = run("-t", "set", "-c", "3", "-n", "100000000", "-q");
        stopper.join();
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("rkv benchmark: SET: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
