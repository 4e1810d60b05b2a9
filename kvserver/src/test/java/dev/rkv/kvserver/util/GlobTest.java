package dev.rkv.kvserver.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import dev.rkv.kvserver.testing.FuzzBudget;
import org.junit.jupiter.api.Test;

/**
 * The matcher behind KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET and CLIENT KILL: Redis's rules, and
 * no input that makes it backtrack exponentially (CVE-2022-36021's patterns).
 */
class GlobTest {

    /** Inputs that, with plain backtracking, take longer than the universe; the bound only catches a hang. */
    private static final Duration HANG = Duration.ofSeconds(10);

    @Test
    void manyStarsAgainstALongKeyThatDoesNotMatchReturnAtOnce() {
        String pattern = "a*".repeat(20) + "b";
        String key = "a".repeat(40);
        assertTimeoutPreemptively(HANG, () -> assertFalse(Glob.matches(pattern, key)));
        String longKey = "a".repeat(5_000);
        String manyStars = "*a".repeat(500) + "*b";
        assertTimeoutPreemptively(HANG, () -> assertFalse(Glob.matches(manyStars, longKey)));
    }

    @Test
    void starsWithClassesAndQuestionMarksDoNotBacktrackEither() {
        String pattern = "*[a-z]?".repeat(30) + "!";
        String key = "abcdefghij".repeat(20);
        assertTimeoutPreemptively(HANG, () -> assertFalse(Glob.matches(pattern, key)));
        assertTimeoutPreemptively(HANG, () -> assertTrue(Glob.matches(pattern, key + "!")));
    }

    @Test
    void redisRules() {
        assertTrue(Glob.matches("h?llo", "hello"));
        assertTrue(Glob.matches("h*llo", "heeeello"));
        assertTrue(Glob.matches("h[ae]llo", "hallo"));
        assertFalse(Glob.matches("h[^e]llo", "hello"));
        assertTrue(Glob.matches("h[a-b]llo", "hbllo"));
        assertTrue(Glob.matches("h[b-a]llo", "hallo"), "reversed ranges are swapped");
        assertTrue(Glob.matches("h\\*llo", "h*llo"));
        assertFalse(Glob.matches("h\\*llo", "hello"));
        assertTrue(Glob.matches("a*", "a"));
        assertTrue(Glob.matches("*", ""));
        assertFalse(Glob.matches("?", ""));
        assertTrue(Glob.matches("a**b", "ab"));
        assertTrue(Glob.matches("[abc", "a"), "an unterminated class ends with the pattern");
        assertTrue(Glob.matches("*a*b", "xxaxxab"));
        assertFalse(Glob.matches("*a*b", "xxaxxa"));
    }

    @Test
    void caseInsensitiveMatchingFoldsAsciiOnly() {
        byte[] pattern = "HeL*o".getBytes(StandardCharsets.US_ASCII);
        assertTrue(Glob.matches(pattern, "hello".getBytes(StandardCharsets.US_ASCII), true));
        assertFalse(Glob.matches(pattern, "hello".getBytes(StandardCharsets.US_ASCII), false));
    }

    /**
     * Random well-formed patterns and random keys from a small alphabet (so that matches are
     * frequent), against the same pattern translated to a regular expression. Soaks under
     * experiments/fuzz-soak.sh (FuzzBudget).
     */
    @Test
    void agreesWithARegexTranslationOnRandomPatterns() {
        long seed = FuzzBudget.seed(20261205L);
        Random rnd = new Random(seed);
        FuzzBudget budget = FuzzBudget.of(30_000);
        try {
            while (budget.more()) {
                String pattern = randomPattern(rnd);
                String key = randomKey(rnd);
                boolean nocase = rnd.nextInt(4) == 0;
                boolean expected = toRegex(pattern, nocase).matcher(key).matches();
                boolean actual = assertTimeoutPreemptively(HANG, () -> Glob.matches(pattern.getBytes(StandardCharsets.ISO_8859_1),
                    key.getBytes(StandardCharsets.ISO_8859_1), nocase));
                assertEquals(expected, actual, () -> "pattern " + pattern + " key " + key + " nocase " + nocase + " seed " + seed);
            }
        } finally {
            budget.report("GlobTest#agreesWithARegexTranslationOnRandomPatterns");
        }
    }

    private static String randomPattern(Random rnd) {
        StringBuilder p = new StringBuilder();
        int parts = rnd.nextInt(12);
        for (int i = 0; i < parts; i++) {
            switch (rnd.nextInt(9)) {
                case 0, 1 -> p.append('*');
                case 2 -> p.append('?');
                case 3 -> p.append('\\').append("*?[ab".charAt(rnd.nextInt(5)));
                case 4 -> {
                    p.append('[');
                    if (rnd.nextBoolean()) {
                        p.append('^');
                    }
                    int members = 1 + rnd.nextInt(3);
                    for (int m = 0; m < members; m++) {
                        if (rnd.nextInt(3) == 0) {
                            p.append(randomChar(rnd)).append('-').append(randomChar(rnd));
                        } else if (rnd.nextInt(6) == 0) {
                            p.append('\\').append("]-^".charAt(rnd.nextInt(3)));
                        } else {
                            p.append(randomChar(rnd));
                        }
                    }
                    p.append(']');
                }
                default -> p.append(randomChar(rnd));
            }
        }
        return p.toString();
    }

    private static String randomKey(Random rnd) {
        StringBuilder k = new StringBuilder();
        int length = rnd.nextInt(14);
        for (int i = 0; i < length; i++) {
            k.append(rnd.nextInt(12) == 0 ? "*?]-^".charAt(rnd.nextInt(5)) : randomChar(rnd));
        }
        return k.toString();
    }

    private static char randomChar(Random rnd) {
        return "abcAB".charAt(rnd.nextInt(5));
    }

    /** The reference: Redis's glob rules for well-formed patterns, written as a regex. */
    private static Pattern toRegex(String glob, boolean nocase) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '\\' -> re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                case '[' -> {
                    int j = i + 1;
                    boolean not = glob.charAt(j) == '^';
                    if (not) {
                        j++;
                    }
                    StringBuilder members = new StringBuilder();
                    while (glob.charAt(j) != ']') {
                        char m = glob.charAt(j);
                        if (m == '\\') {
                            members.append(classLiteral(glob.charAt(++j), nocase));
                        } else if (glob.charAt(j + 1) == '-' && glob.charAt(j + 2) != ']') {
                            char lo = m;
                            char hi = glob.charAt(j + 2);
                            if (lo > hi) {
                                char t = lo;
                                lo = hi;
                                hi = t;
                            }
                            members.append(nocase ? foldedRange(lo, hi) : classLiteral(lo, false) + "-" + classLiteral(hi, false));
                            j += 2;
                        } else {
                            members.append(classLiteral(m, nocase));
                        }
                        j++;
                    }
                    re.append(not ? "[^" : "[").append(members).append(']');
                    i = j;
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL | (nocase ? Pattern.CASE_INSENSITIVE : 0));
    }

    private static String classLiteral(char c, boolean nocase) {
        String quoted = "\\x" + String.format("%02x", (int) c);
        if (nocase && Character.isLetter(c)) {
            return quoted + "\\x" + String.format("%02x", (int) Character.toLowerCase(c))
                + "\\x" + String.format("%02x", (int) Character.toUpperCase(c));
        }
        return quoted;
    }

    /** Redis lowercases both ends and the byte, then compares: the range in lowercase terms. */
    private static String foldedRange(char lo, char hi) {
        StringBuilder members = new StringBuilder();
        int a = Character.toLowerCase(lo);
        int b = Character.toLowerCase(hi);
        for (int ch = 0; ch < 256; ch++) {
            int folded = Character.toLowerCase(ch);
            if (folded >= a && folded <= b) {
                members.append("\\x").append(String.format("%02x", ch));
            }
        }
        return members.length() == 0 ? "\\x{10FFFF}" : members.toString();
    }
}
