package dev.rkv.kvserver.util;

import java.nio.charset.StandardCharsets;

/**
 * A double as Redis reads one with strtod (getDoubleFromObject): decimal or hexadecimal,
 * "inf"/"infinity" in any case, no leading space, nothing after the number; rejected when it
 * is NaN, overflows, or underflows to zero. Java's Double.parseDouble accepts other things
 * ("1d", "Infinity" only, surrounding blanks), hence this gate in front of it.
 */
public final class CDouble {
    // Compiled once: ZADD and the range commands parse a score per argument on the hot path.
    private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("([0-9a-f]+\\.?[0-9a-f]*|\\.[0-9a-f]+)(p[+-]?[0-9]+)?");
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("([0-9]+\\.?[0-9]*|\\.[0-9]+)(e[+-]?[0-9]+)?");

    private CDouble() {
    }

    /** The common case, a short decimal integer, without the general parser; null otherwise. */
    private static Double smallInteger(byte[] b) {
        int i = b[0] == '-' ? 1 : 0;
        if (b.length - i == 0 || b.length - i > 15) {
            return null;
        }
        long v = 0;
        for (int k = i; k < b.length; k++) {
            int d = b[k] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            v = v * 10 + d;
        }
        return (double) (i == 1 ? -v : v);
    }

    /** Whether the mantissa (before the exponent marker) has a non-zero digit: an underflow to 0 is then an error. */
    private static boolean nonZeroMantissa(String s, char exponentMarker, boolean hex) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == exponentMarker) {
                return false;
            }
            if ((ch >= '1' && ch <= '9') || (hex && ch >= 'a' && ch <= 'f')) {
                return true;
            }
        }
        return false;
    }

    /** The value, or null when Redis would reply "value is not a valid float". */
    public static Double parse(byte[] b) {
        if (b.length == 0 || b.length > 5000) {
            return null;
        }
        Double small = smallInteger(b);
        if (small != null) {
            return small;
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
            if (!HEX.matcher(hex).matches()) {
                return null;
            }
            nonZeroDigits = nonZeroMantissa(hex, 'p', true);
            v = Double.parseDouble((negative ? "-" : "") + "0x" + (hex.contains("p") ? hex : hex + "p0"));
        } else {
            if (!DECIMAL.matcher(rest).matches()) {
                return null;
            }
            nonZeroDigits = nonZeroMantissa(rest, 'e', false);
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
        Double inRange = parseAfterBlanks(s.getBytes(StandardCharsets.ISO_8859_1));
        if (inRange != null) {
            return inRange;
        }
        String t = s.substring(leadingBlanks(s.getBytes(StandardCharsets.ISO_8859_1)));
        if (t.isEmpty()) {
            return null;
        }
        // Out of range for strict parsing: strtod still gives +-inf (overflow) or 0 (underflow).
        String body = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
        String lower = body.toLowerCase(java.util.Locale.ROOT);
        if (!DECIMAL.matcher(lower).matches()) {
            return null;
        }
        double v = new java.math.BigDecimal(lower).doubleValue();
        return t.startsWith("-") ? -v : v;
    }

    /**
     * A number as strtod reads it when the caller also refuses ERANGE and NaN (SORT's weights):
     * leading blanks skipped, an empty string is 0, nothing may follow the number, and a value
     * out of range, NaN or blanks alone are refused (null).
     */
    public static Double parseAfterBlanks(byte[] b) {
        if (b.length == 0) {
            return 0.0;
        }
        int i = leadingBlanks(b);
        if (i == b.length) {
            return null;
        }
        return parse(i == 0 ? b : java.util.Arrays.copyOfRange(b, i, b.length));
    }

    /** How many of {@code b}'s first bytes C's isspace() calls blank. */
    private static int leadingBlanks(byte[] b) {
        int i = 0;
        while (i < b.length && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r'))) {
            i++;
        }
        return i;
    }
}
