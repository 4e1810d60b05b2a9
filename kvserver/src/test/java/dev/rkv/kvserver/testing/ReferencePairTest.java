package dev.rkv.kvserver.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * For differential tests of a command family: one real redis-server (the reference) and one
 * rkv server per test class, so the same scripts can be sent to both.
 */
public abstract class ReferencePairTest {
    protected static RedisReference redis;
    protected static RkvTestServer rkv;

    @BeforeAll
    static void startBoth() throws Exception {
        redis = RedisReference.start();
        rkv = RkvTestServer.start();
    }

    @AfterAll
    static void stopBoth() {
        if (rkv != null) {
            rkv.close();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
