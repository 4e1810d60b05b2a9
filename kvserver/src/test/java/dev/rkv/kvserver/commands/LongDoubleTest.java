package dev.rkv.kvserver.commands;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The x87 long double emulation behind INCRBYFLOAT. Expected strings are what redis-server 7.0 on
 * x86-64 prints (checked against it by StringCommandsDifferentialIT as well).
 */
class LongDoubleTest {

    private static LongDouble.Parsed parse(String s) {
        return LongDouble.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String sum(String a, String b) {
        BigDecimal s = LongDouble.add(parse(a).value(), parse(b).value());
        return s == null ? null : LongDouble.format(s);
    }

    @Test
    void decimalFractionsPrintAsTyped() {
        assertEquals("10.6", sum("10.5", "0.1"));
        assertEquals("0.3", sum("0.1", "0.2"));
        assertEquals("3000", sum("0", "3.0e3"));
        assertEquals("5200", sum("5.0e3", "2.0e2"));
        assertEquals("-0.001", sum("0", "-1e-3"));
    }

    @Test
    void seventeenDecimalsRoundHalfToEvenOnExactTies() {
        // 2^-18 = 0.000003814697265625 has 18 decimals: the 18th is an exact tie.
        assertEquals("0.00000381469726562", sum("0", "0.000003814697265625"));
    }

    @Test
    void longDoubleKeepsSixtyFourBitsOfSignificand() {
        // 2^64 + 1 is not representable; the sum rounds to even.
        assertEquals("18446744073709551616", sum("18446744073709551616", "1"));
        assertEquals("18446744073709551618", sum("18446744073709551616", "2"));
        assertEquals("123456789012345678", sum("0", "123456789012345678"));
    }

    @Test
    void hugeAndTinyValuesPrintInFull() {
        assertEquals("1" + "0".repeat(20), sum("0", "1e20"));
        assertEquals("0", sum("0", "5.0e-18"));
        assertEquals("0.00000000000000001", sum("0", "1e-17"));
    }

    @Test
    void zeroIsNeverNegative() {
        assertEquals("0", sum("-0.0", "0"));
        assertEquals("0", sum("1.5", "-1.5"));
    }

    @Test
    void strtoldSyntaxIsAccepted() {
        assertEquals("0.5", sum("0", "+.5"));
        assertEquals("5", sum("0", "5."));
        assertEquals("16", sum("0", "0x10"));
        assertEquals("3", sum("0", "0x1.8p1"));
        assertEquals("1000", sum("0", "1E3"));
    }

    @Test
    void nonNumbersOverflowAndUnderflowAreInvalid() {
        for (String bad : new String[] {"", " 1", "1 ", "abc", "1e", ".", "0x", "1,5", "nan", "-nan", "1e5000",
            "1e-5000", "0x1p99999"}) {
            assertEquals(LongDouble.Kind.INVALID, parse(bad).kind(), bad);
        }
        assertEquals(LongDouble.Kind.FINITE, parse("0e-5000").kind());
        assertEquals(LongDouble.Kind.INFINITE, parse("-Infinity").kind());
        assertEquals(LongDouble.Kind.INFINITE, parse("inf").kind());
    }

    @Test
    void sumsBeyondTheRangeOverflow() {
        assertNull(LongDouble.add(parse("1e4932").value(), parse("1e4932").value()));
    }

    @Test
    void anyInputParsesOrIsRefusedWithoutThrowing() {
        Random rnd = new Random(7);
        String alphabet = "0123456789.eE+-xXpPabcdefinityINFNAN( )\0";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = 1 + rnd.nextInt(12);
            for (int j = 0; j < n; j++) {
                b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            LongDouble.Parsed p = parse(b.toString());
            if (p.kind() == LongDouble.Kind.FINITE) {
                LongDouble.format(p.value());
            }
        }
    }
}
