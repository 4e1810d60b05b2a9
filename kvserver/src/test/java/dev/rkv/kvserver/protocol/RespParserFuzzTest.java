package dev.rkv.kvserver.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import dev.rkv.kvserver.testing.FuzzBudget;

/**
 * Seeded randomized tests: generated pipelines (whose commands are known) fed in random splits,
 * and the same pipelines mutated, which must only ever give commands, NEED_MORE or a protocol error.
 */
class RespParserFuzzTest {

    private static final Pattern PROTOCOL_ERROR = Pattern.compile("Protocol error: ("
            + "invalid multibulk length|invalid bulk length|expected '\\$', got '.'|too big mbulk count string"
            + "|too big bulk count string|too big inline request|unbalanced quotes in request"
            + "|unauthenticated multibulk length|unauthenticated bulk length)", Pattern.DOTALL);

    @Test
    void generatedPipelinesParseToTheirCommandsWhateverTheSplit() {
        FuzzBudget budget = FuzzBudget.of(1500);
        try {
            assertTimeoutPreemptively(FuzzBudget.timeout(Duration.ofSeconds(5)), () -> {
            Random rnd = new Random(FuzzBudget.seed(20261121L));
            for (int i = 0; budget.more(); i++) {
                RespInputs.Pipeline p = RespInputs.generate(rnd);
                assertEquals(p.expected(), ParserDriver.feedWhole(parser(), p.bytes()), "iteration " + i);
                assertEquals(p.expected(), ParserDriver.feedRandom(parser(), p.bytes(), rnd, 1 + rnd.nextInt(64)),
                        "iteration " + i);
                if (i % 10 == 0) {
                    assertEquals(p.expected(), ParserDriver.feedBytewise(parser(), p.bytes()), "iteration " + i);
                }
            }
        });
        } finally {
            budget.report("RespParserFuzzTest#generatedPipelinesParseToTheirCommandsWhateverTheSplit");
        }
    }

    @Test
    void mutatedInputNeverThrowsNorStallsAndOnlyFailsWithProtocolErrors() {
        FuzzBudget budget = FuzzBudget.of(4000);
        try {
            assertTimeoutPreemptively(FuzzBudget.timeout(Duration.ofSeconds(5)), () -> {
            Random rnd = new Random(FuzzBudget.seed(977L));
            for (int i = 0; budget.more(); i++) {
                byte[] input = RespInputs.mutate(RespInputs.generate(rnd).bytes(), rnd);
                ProtocolLimits limits = rnd.nextBoolean() ? ProtocolLimits.DEFAULTS
                        : new ProtocolLimits(1024, 8, 64);
                boolean auth = rnd.nextInt(4) != 0;
                List<String> whole = ParserDriver.feedWhole(parser(limits, auth), input);
                List<String> split = ParserDriver.feedRandom(parser(limits, auth), input, rnd, 1 + rnd.nextInt(32));
                for (List<String> events : List.of(whole, split)) {
                    for (int e = 0; e < events.size(); e++) {
                        String event = events.get(e);
                        if (event.startsWith("ERROR:")) {
                            assertTrue(PROTOCOL_ERROR.matcher(event.substring(6)).matches(), event);
                            assertEquals(events.size() - 1, e, "events after an error");
                        }
                    }
                }
                // "Too big" limits are checked when input runs out, so they may depend on the split (as in
                // Redis). Everything else must not.
                if (!String.join("", whole).contains("too big") && !String.join("", split).contains("too big")) {
                    assertEquals(whole, split, "iteration " + i);
                }
            }
        });
        } finally {
            budget.report("RespParserFuzzTest#mutatedInputNeverThrowsNorStallsAndOnlyFailsWithProtocolErrors");
        }
    }

    @Test
    void randomBytesNeverThrowNorStall() {
        FuzzBudget budget = FuzzBudget.of(3000);
        try {
            assertTimeoutPreemptively(FuzzBudget.timeout(Duration.ofSeconds(5)), () -> {
            Random rnd = new Random(FuzzBudget.seed(5L));
            for (int i = 0; budget.more(); i++) {
                byte[] input = new byte[rnd.nextInt(200)];
                for (int j = 0; j < input.length; j++) {
                    input[j] = rnd.nextInt(3) == 0 ? (byte) rnd.nextInt(256)
                            : RespInputs.INTERESTING[rnd.nextInt(RespInputs.INTERESTING.length)];
                }
                List<String> events = ParserDriver.feedRandom(parser(), input, rnd, 1 + rnd.nextInt(16));
                for (String event : events) {
                    if (event.startsWith("ERROR:")) {
                        assertTrue(PROTOCOL_ERROR.matcher(event.substring(6)).matches(), event);
                    }
                }
            }
        });
        } finally {
            budget.report("RespParserFuzzTest#randomBytesNeverThrowNorStall");
        }
    }

    private static RespParser parser() {
        return new RespParser(ProtocolLimits.DEFAULTS);
    }

    private static RespParser parser(ProtocolLimits limits, boolean authenticated) {
        RespParser p = new RespParser(limits);
        p.authenticated(authenticated);
        return p;
    }
}
