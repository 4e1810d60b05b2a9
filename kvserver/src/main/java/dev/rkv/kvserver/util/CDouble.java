package dev.rkv.kvserver.util;

import java.nio.charset.StandardCharsets;

/**
 * A double as Redis reads one with strtod (getDoubleFromObject): decimal or hexadecimal,
 * "inf"/"infinity" in any case, no leading space, nothing after the number; rejected when it
 * is NaN, overflows, or underflows to zero. Java's Double.parseDouble accepts other things
 * ("1d", "Infinity" only, surrounding blanks), hence this gate in front of it.
 */
public final class CDouble {
    private CDouble() {
    }

    /** The value, or null when Redis would reply "value is not a valid float". */
    public static Double parse(byte[] b) {
        if (b.length == 0 || b.length > 5000) {
            return null;
        }
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int i = 0;
        boolean negative = false;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        String rest = s.substring(i).toLowerCase(java.util.Locale.ROOT);
        if (rest.equals("inf") || rest.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        double v;
        boolean nonZeroDigits;
        if (rest.startsWith("0x")) {
            String hex = rest.substring(2);
            if (!hex.matches("([0-9a-f]+\\.?[0-9a-f]*|\\.[0-9a-f]+)(p[+-]?[0-9]+)?")) {
                return null;
            }
            nonZeroDigits = hex.replaceAll("p.*", "").matches(".*[1-9a-f].*");
            v = Double.parseDouble((negative ? "-" : "") + "0x" + (hex.contains("p") ? hex : hex + "p0"));
        } else {
            if (!rest.matches("([0-9]+\\.?[0-9]*|\\.[0-9]+)(e[+-]?[0-9]+)?")) {
                return null;
            }
            nonZeroDigits = rest.replaceAll("e.*", "").matches(".*[1-9].*");
            v = Double.parseDouble((negative ? "-" : "") + rest);
        }
        if (Double.isInfinite(v) || (v == 0 && nonZeroDigits)) {
            return null; // strtod's ERANGE: overflow, or underflow to zero
        }
        return v;
    }

    /**
     * A range bound's number as Redis's zslParseRange reads it with plain strtod: leading blanks
     * skipped, no overflow check ("1e400" is inf), NaN refused, and an empty string is 0.
     */
    public static Double parseLenient(String s) {
        if (s.isEmpty()) {
            return 0.0;
        }
        int i = 0;
        while (i < s.length() && " \t\n\u000b\f\r".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        String t = s.substring(i);
        if (t.isEmpty()) {
            return null;
        }
        Double strict = parse(t.getBytes(StandardCharsets.ISO_8859_1));
        if (strict != null) {
            return strict;
        }
        // Out of range for strict parsing: strtod still gives +-inf (overflow) or 0 (underflow).
        String body = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
        String lower = body.toLowerCase(java.util.Locale.ROOT);
        if (!lower.matches("([0-9]+\\.?[0-9]*|\\.[0-9]+)(e[+-]?[0-9]+)?")) {
            return null;
        }
        double v = new java.math.BigDecimal(lower).doubleValue();
        return t.startsWith("-") ? -v : v;
    }
}
