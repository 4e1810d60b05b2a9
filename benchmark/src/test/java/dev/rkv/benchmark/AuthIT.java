package dev.rkv.benchmark;

import dev.rkv.kvserver.testing.RedisReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code -a} and {@code --user} against a redis-server that requires a password. */
class AuthIT {
    private static RedisReference redis;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        redis = RedisReference.start("--requirepass", "s3cret");
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static long calls(Jedis j, String command) {
        Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(j.info("commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void theRightPasswordAuthenticatesEveryConnection() {
        try (Jedis j = redis.jedis()) {
            j.auth("s3cret");
            j.configResetStat();
            Run r = Run.against(redis.port(), "-a", "s3cret", "-t", "incr", "-n", "200", "-c", "4", "--csv");
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals("200", j.get("counter:__rand_int__"));
            assertEquals(5, calls(j, "auth"), "the setup connection and the 4 clients");
            assertTrue(r.outLines().get(1).startsWith("\"INCR\","), r.out());
        }
    }

    @Test
    void anAclUserAndPasswordWork() {
        Run r = Run.against(redis.port(), "--user", "default", "-a", "s3cret", "-t", "ping", "-n", "20", "-c", "2", "-q");
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void aWrongPasswordIsOneLineAndExitCode1() {
        Run r = Run.against(redis.port(), "-a", "wrong", "-t", "get", "-n", "10");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("rkv benchmark: AUTH failed: WRONGPASS invalid username-password pair or user is disabled."
            + System.lineSeparator(), r.err());
    }

    @Test
    void noPasswordShowsTheServersError() {
        Run r = Run.against(redis.port(), "-t", "get", "-n", "10", "-c", "1", "-q");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Error from server: NOAUTH Authentication required."), r.err());
        assertTrue(r.err().contains("rkv benchmark: GET: 10 of 10 replies were errors"), r.err());
    }
}
