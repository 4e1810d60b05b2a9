package dev.rkv.kvserver.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rkv.kvserver.testing.RawClient;
import dev.rkv.kvserver.testing.RedisReference;
import dev.rkv.kvserver.testing.RkvTestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Subscribe confirmations and messages are pushed to the client even under CLIENT REPLY OFF or
 * SKIP, as Redis 7.0 does (a subscriber that silenced its replies must not wait forever for
 * them), in RESP2 and RESP3: the bytes each server sends are compared.
 */
class PubSubReplyModesIT {

    @ParameterizedTest(name = "RESP{0}, CLIENT REPLY {1}")
    @CsvSource({"2, OFF", "3, OFF", "2, SKIP", "3, SKIP"})
    void pushesAreDeliveredWhatever(int protocol, String mode) throws Exception {
        try (RedisReference redis = RedisReference.start(); RkvTestServer rkv = RkvTestServer.start()) {
            assertEquals(conversation(redis.port(), protocol, mode), conversation(rkv.port(), protocol, mode));
        }
    }

    /** Everything the subscriber reads; each read waits for replies that must come. */
    private static List<String> conversation(int port, int protocol, String mode) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RawClient sub = new RawClient(port); RawClient pub = new RawClient(port)) {
            sub.command("HELLO", String.valueOf(protocol));
            sub.readReply();
            sub.command("CLIENT", "REPLY", mode);
            if (mode.equals("SKIP")) {
                sub.command("PING"); // its reply is the one skipped
            }
            sub.command("SUBSCRIBE", "ch", "other");
            sub.command("PSUBSCRIBE", "c*");
            seen.addAll(sub.readReplies(3));
            pub.call("PUBLISH", "ch", "hello");
            seen.addAll(sub.readReplies(2));
            sub.command("UNSUBSCRIBE", "ch", "other"); // named: without names the order is that of Redis's dict
            sub.command("PUNSUBSCRIBE");
            seen.addAll(sub.readReplies(3));
            sub.command("CLIENT", "REPLY", "ON");
            sub.command("PING");
            seen.addAll(sub.readReplies(2));
        }
        return seen;
    }
}
