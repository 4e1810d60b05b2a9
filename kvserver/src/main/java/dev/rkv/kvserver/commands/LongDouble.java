package dev.rkv.kvserver.commands;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * The x87 80-bit {@code long double} arithmetic of Redis 7.0's INCRBYFLOAT, emulated exactly.
 *
 * <p>Redis parses both operands with strtold, adds them in long double (a 64-bit significand)
 * and prints the sum with {@code "%.17Lf"}, trailing zeros removed. Values here are the exact
 * {@link BigDecimal} of a long double: parsing and adding round to the nearest long double
 * (ties to even) and formatting rounds the exact value to 17 decimals, as glibc does. So
 * {@code 10.5 + 0.1} gives {@code "10.6"} and {@code 3.0e3} gives {@code "3000"}, byte for byte.
 */
final class LongDouble {
    /** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are not floats, longer outputs print empty. */
    static final int MAX_CHARS = 5 * 1024;
    /** Exponent of the last significand bit of the smallest subnormal: 2^-16445. */
    private static final int MIN_EXPONENT = -16445;
    /** Exponent of the last significand bit of the largest finite value. */
    private static final int MAX_EXPONENT = 16383 - 63;

    /** What parsing found: a finite value, an infinity, or nothing Redis would accept. */
    enum Kind { FINITE, INFINITE, INVALID }

    /** A parsed operand; {@code value} is set only for {@link Kind#FINITE}. */
    record Parsed(Kind kind, BigDecimal value) {
        static final Parsed INVALID = new Parsed(Kind.INVALID, null);
        static final Parsed INFINITE = new Parsed(Kind.INFINITE, null);
    }

    private LongDouble() {
    }

    /**
     * Parses like Redis's string2ld: all of the bytes must be a strtold number, no leading
     * space, not NaN, and not a value that overflows or underflows to zero.
     */
    static Parsed parse(byte[] b) {
        if (b.length == 0 || b.length >= MAX_CHARS) {
            return Parsed.INVALID;
        }
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int i = 0;
        boolean negative = false;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        String rest = s.substring(i);
        if (rest.equalsIgnoreCase("inf") || rest.equalsIgnoreCase("infinity")) {
            return Parsed.INFINITE;
        }
        BigDecimal exact;
        if (rest.length() > 2 && rest.charAt(0) == '0' && (rest.charAt(1) == 'x' || rest.charAt(1) == 'X')) {
            exact = parseHex(rest.substring(2));
        } else {
            exact = parseDecimal(rest);
        }
        if (exact == null) {
            return Parsed.INVALID;
        }
        if (exact.signum() == 0) {
            return new Parsed(Kind.FINITE, BigDecimal.ZERO);
        }
        BigDecimal rounded = round(exact);
        if (rounded == null || rounded.signum() == 0) {
            // strtold reports ERANGE with HUGE_VAL or zero: string2ld rejects both.
            return Parsed.INVALID;
        }
        return new Parsed(Kind.FINITE, negative ? rounded.negate() : rounded);
    }

    /** The long double sum of two long doubles, or null when it overflows to infinity. */
    static BigDecimal add(BigDecimal a, BigDecimal b) {
        BigDecimal sum = a.add(b);
        return sum.signum() == 0 ? BigDecimal.ZERO : round(sum);
    }

    /** {@code "%.17Lf"} with trailing zeros (and a trailing point) removed, "-0" printed as "0". */
    static String format(BigDecimal v) {
        String s = v.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        if (s.indexOf('.') >= 0) {
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
        }
        s = s.substring(0, end);
        if (s.equals("-0")) {
            return "0";
        }
        // Redis's buffer holds MAX_CHARS bytes; a longer number fails to print and the value is empty.
        return s.length() + 1 > MAX_CHARS ? "" : s;
    }

    /** digits [ '.' digits ] [ e [sign] digits ]: at least one digit in the mantissa. */
    private static BigDecimal parseDecimal(String s) {
        int n = s.length();
        int i = 0;
        StringBuilder digits = new StringBuilder();
        int fraction = 0;
        while (i < n && isDigit(s.charAt(i))) {
            digits.append(s.charAt(i++));
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                digits.append(s.charAt(i++));
                fraction++;
            }
        }
        if (digits.length() == 0) {
            return null;
        }
        long exponent = 0;
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            boolean negExp = false;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                negExp = s.charAt(i) == '-';
                i++;
            }
            if (i == n) {
                return null;
            }
            while (i < n && isDigit(s.charAt(i))) {
                exponent = Math.min(exponent * 10 + (s.charAt(i++) - '0'), 1_000_000_000L);
            }
            if (negExp) {
                exponent = -exponent;
            }
        }
        if (i != n) {
            return null;
        }
        BigInteger unscaled = new BigInteger(digits.toString());
        if (unscaled.signum() == 0) {
            return BigDecimal.ZERO;
        }
        // Decimal exponent of the leading digit decides overflow and underflow without big powers.
        long leading = (long) unscaled.toString().length() - fraction + exponent;
        if (leading > 4940) {
            return BigDecimal.TEN.pow(4941);
        }
        if (leading < -4960) {
            return BigDecimal.ONE.movePointLeft(4962);
        }
        return new BigDecimal(unscaled, (int) (fraction - exponent));
    }

    /** hexdigits [ '.' hexdigits ] [ p [sign] digits ] after "0x". */
    private static BigDecimal parseHex(String s) {
        int n = s.length();
        int i = 0;
        BigInteger mantissa = BigInteger.ZERO;
        int digitCount = 0;
        long binaryExponent = 0;
        while (i < n && Character.digit(s.charAt(i), 16) >= 0) {
            mantissa = mantissa.shiftLeft(4).add(BigInteger.valueOf(Character.digit(s.charAt(i++), 16)));
            digitCount++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && Character.digit(s.charAt(i), 16) >= 0) {
                mantissa = mantissa.shiftLeft(4).add(BigInteger.valueOf(Character.digit(s.charAt(i++), 16)));
                digitCount++;
                binaryExponent -= 4;
            }
        }
        if (digitCount == 0) {
            return null;
        }
        if (i < n && (s.charAt(i) == 'p' || s.charAt(i) == 'P')) {
            i++;
            boolean negExp = false;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                negExp = s.charAt(i) == '-';
                i++;
            }
            if (i == n) {
                return null;
            }
            long e = 0;
            while (i < n && isDigit(s.charAt(i))) {
                e = Math.min(e * 10 + (s.charAt(i++) - '0'), 1_000_000_000L);
            }
            binaryExponent += negExp ? -e : e;
        }
        if (i != n) {
            return null;
        }
        if (mantissa.signum() == 0) {
            return BigDecimal.ZERO;
        }
        long leading = mantissa.bitLength() + binaryExponent;
        if (leading > 16400) {
            return BigDecimal.TEN.pow(4941);
        }
        if (leading < -16500) {
            return BigDecimal.ONE.movePointLeft(4962);
        }
        return binary(mantissa, (int) binaryExponent);
    }

    /**
     * Rounds an exact value to the nearest long double, ties to even, with subnormals; null
     * when the result is too large (infinity). Zero results (underflow) come back as zero.
     */
    private static BigDecimal round(BigDecimal x) {
        boolean negative = x.signum() < 0;
        BigDecimal abs = x.abs();
        // abs = p / q exactly.
        BigInteger p = abs.unscaledValue();
        BigInteger q = BigInteger.ONE;
        if (abs.scale() > 0) {
            q = BigInteger.TEN.pow(abs.scale());
        } else if (abs.scale() < 0) {
            p = p.multiply(BigInteger.TEN.pow(-abs.scale()));
        }
        // Choose e so that p / q / 2^e lies in [2^63, 2^64): a 64-bit significand.
        int e = p.bitLength() - q.bitLength() - 63;
        if (divideFloor(p, q, e).bitLength() < 64) {
            e--;
        }
        e = Math.max(e, MIN_EXPONENT);
        BigInteger m = divideRounded(p, q, e);
        if (m.bitLength() > 64) {
            // Rounded up to 2^64: renormalize, exactly.
            m = m.shiftRight(1);
            e++;
        }
        if (e > MAX_EXPONENT) {
            return null;
        }
        BigDecimal r = binary(m, e);
        return negative ? r.negate() : r;
    }

    /** floor(p / (q * 2^exp)). */
    private static BigInteger divideFloor(BigInteger p, BigInteger q, int exp) {
        BigInteger num = exp < 0 ? p.shiftLeft(-exp) : p;
        BigInteger den = exp > 0 ? q.shiftLeft(exp) : q;
        return num.divide(den);
    }

    /** round-half-even(p / (q * 2^exp)). */
    private static BigInteger divideRounded(BigInteger p, BigInteger q, int exp) {
        BigInteger num = exp < 0 ? p.shiftLeft(-exp) : p;
        BigInteger den = exp > 0 ? q.shiftLeft(exp) : q;
        BigInteger[] qr = num.divideAndRemainder(den);
        int cmp = qr[1].shiftLeft(1).compareTo(den);
        if (cmp > 0 || (cmp == 0 && qr[0].testBit(0))) {
            return qr[0].add(BigInteger.ONE);
        }
        return qr[0];
    }

    /** The exact decimal value of m * 2^exp. */
    private static BigDecimal binary(BigInteger m, int exp) {
        if (exp >= 0) {
            return new BigDecimal(m.shiftLeft(exp));
        }
        // m / 2^k = m * 5^k / 10^k
        return new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-exp)), -exp);
    }

    private static boolean isDigit(char ch) {
        return ch >= '0' && ch <= '9';
    }
}
