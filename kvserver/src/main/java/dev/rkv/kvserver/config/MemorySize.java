package dev.rkv.kvserver.config;

import java.util.Locale;

/** Redis's memory units: k=1000, kb=1024, m=10^6, mb=2^20, g=10^9, gb=2^30 (case-insensitive). */
public final class MemorySize {
    private MemorySize() {
    }

    public static long parse(String raw) throws ConfigException {
        String s = raw.trim().toLowerCase(Locale.ROOT);
        long mul = 1;
        String digits = s;
        String[][] units = {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1000"}, {"m", "1000000"},
            {"g", "1000000000"}, {"b", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                digits = s.substring(0, s.length() - u[0].length());
                break;
            }
        }
        try {
            long v = Long.parseLong(digits);
            return Math.multiplyExact(v, mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException("argument must be a memory value");
        }
    }
}
