package dev.rkv.kvserver.util;

/**
 * Glob-style matching with Redis's rules (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET):
 * {@code *}, {@code ?}, {@code [abc]}, {@code [^a-z]} and backslash escapes, on bytes.
 */
public final class Glob {
    private Glob() {
    }

    public static boolean matches(byte[] pattern, byte[] string, boolean nocase) {
        return match(pattern, 0, string, 0, nocase, 0) == MATCH;
    }

    public static boolean matches(String pattern, String string) {
        return matches(pattern.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            string.getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
    }

    /** True when the pattern matches every string, so callers can skip matching. */
    public static boolean matchesAll(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }

    private static final int MATCH = 0;
    private static final int NO_MATCH = 1;
    /**
     * The rest of the pattern after a {@code *} matched no suffix of the string at all, so an
     * enclosing {@code *} that skips more characters cannot succeed either: every caller stops
     * instead of retrying. This is what keeps {@code a*a*a*...b} linear-ish instead of
     * exponential (the same cut Redis 7.0 makes after CVE-2022-36021).
     */
    private static final int NO_MATCH_ANYWHERE = 2;

    private static int match(byte[] p, int pi, byte[] s, int si, boolean nocase, int depth) {
        // Redis bounds recursion too: a pathological pattern must not blow the stack.
        if (depth > 1000) {
            return NO_MATCH;
        }
        while (pi < p.length && si <= s.length) {
            byte c = p[pi];
            switch (c) {
                case '*' -> {
                    while (pi + 1 < p.length && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == p.length) {
                        return MATCH;
                    }
                    for (int k = si; k <= s.length; k++) {
                        int rest = match(p, pi + 1, s, k, nocase, depth + 1);
                        if (rest != NO_MATCH) {
                            return rest;
                        }
                    }
                    return NO_MATCH_ANYWHERE;
                }
                case '?' -> {
                    if (si >= s.length) {
                        return NO_MATCH;
                    }
                    si++;
                }
                case '[' -> {
                    if (si >= s.length) {
                        return NO_MATCH;
                    }
                    pi++;
                    boolean not = pi < p.length && p[pi] == '^';
                    if (not) {
                        pi++;
                    }
                    boolean matched = false;
                    while (true) {
                        if (pi >= p.length) {
                            pi--; // unterminated class: Redis treats the end as closing it
                            break;
                        }
                        if (p[pi] == '\\' && pi + 1 < p.length) {
                            pi++;
                            if (eq(p[pi], s[si], nocase)) {
                                matched = true;
                            }
                        } else if (p[pi] == ']') {
                            break;
                        } else if (pi + 2 < p.length && p[pi + 1] == '-') {
                            int start = p[pi] & 0xFF;
                            int end = p[pi + 2] & 0xFF;
                            int ch = s[si] & 0xFF;
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = Character.toLowerCase(start);
                                end = Character.toLowerCase(end);
                                ch = Character.toLowerCase(ch);
                            }
                            pi += 2;
                            if (ch >= start && ch <= end) {
                                matched = true;
                            }
                        } else if (eq(p[pi], s[si], nocase)) {
                            matched = true;
                        }
                        pi++;
                    }
                    if (not) {
                        matched = !matched;
                    }
                    if (!matched) {
                        return NO_MATCH;
                    }
                    si++;
                }
                case '\\' -> {
                    if (pi + 1 < p.length) {
                        pi++;
                    }
                    if (si >= s.length || !eq(p[pi], s[si], nocase)) {
                        return NO_MATCH;
                    }
                    si++;
                }
                default -> {
                    if (si >= s.length || !eq(c, s[si], nocase)) {
                        return NO_MATCH;
                    }
                    si++;
                }
            }
            pi++;
            if (si == s.length) {
                while (pi < p.length && p[pi] == '*') {
                    pi++;
                }
                break;
            }
        }
        return pi == p.length && si == s.length ? MATCH : NO_MATCH;
    }

    private static boolean eq(byte a, byte b, boolean nocase) {
        if (a == b) {
            return true;
        }
        return nocase && Character.toLowerCase(a & 0xFF) == Character.toLowerCase(b & 0xFF);
    }
}
