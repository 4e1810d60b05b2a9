package dev.rkv.kvserver.command;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which arguments a key spec picks, as Redis's getKeysUsingKeySpecs does for ranges. */
class KeySpecTest {
    @Test
    void singleKeyIsTheArgumentAtItsIndex() {
        assertEquals(List.of(2), KeySpec.single(2, "RO").positions(args(3)));
    }

    @Test
    void negativeLastKeyCountsFromTheEndWithTheStep() {
        // MSET a 1 b 2 c 3
        assertEquals(List.of(1, 3, 5), KeySpec.range(1, -1, 2, "OW", "update").positions(args(7)));
        // a range ending before the last argument, as for a command with a trailing timeout
        assertEquals(List.of(1, 2), KeySpec.range(1, -2, 1, "RW").positions(args(4)));
    }

    @Test
    void rangeThatDoesNotFitTheArgumentsPicksNothing() {
        assertEquals(List.of(), KeySpec.single(2, "OW", "update").positions(args(2)));
        assertEquals(List.of(), KeySpec.range(1, -2, 1, "RW").positions(args(2)));
    }

    @Test
    void resolvedFlagsDependOnTheCommandElseTheSpecsOwn() {
        KeySpec plain = KeySpec.single(1, "RO", "access");
        KeySpec variable = KeySpec.single(1, "RW", "variable_flags").withFlagsResolvedBy(argv -> List.of("OW"));
        byte[][] argv = {Args.bytes("set"), Args.bytes("k"), Args.bytes("v")};
        assertEquals(List.of("RO", "access"), plain.flagsFor(argv));
        assertEquals(List.of("OW"), variable.flagsFor(argv));
        assertEquals(List.of("RW", "variable_flags"), variable.flags());
    }

    private static byte[][] args(int n) {
        byte[][] argv = new byte[n][];
        for (int i = 0; i < n; i++) {
            argv[i] = ("a" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return argv;
    }

    @Test
    void aKeynumSpecReadsTheCountFromItsArgument() {
        byte[][] argv = {"LMPOP".getBytes(), "2".getBytes(), "a".getBytes(), "b".getBytes(), "LEFT".getBytes()};
        assertEquals(List.of(2, 3), KeySpec.keynum(1, 0, 1, 1, "RW").positions(argv));
        byte[][] tooMany = {"LMPOP".getBytes(), "5".getBytes(), "a".getBytes(), "LEFT".getBytes()};
        assertEquals(List.of(), KeySpec.keynum(1, 0, 1, 1, "RW").positions(tooMany));
        byte[][] notANumber = {"LMPOP".getBytes(), "x".getBytes(), "a".getBytes(), "LEFT".getBytes()};
        assertEquals(List.of(), KeySpec.keynum(1, 0, 1, 1, "RW").positions(notANumber));
    }
}
