package dev.rkv.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandOptionsTest {
    private static DemoCommand parse(String... args) {
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs(args);
        return demo;
    }

    @Test
    void measuresByDefault() {
        assertTrue(parse().measure);
    }

    @Test
    void noMeasureTurnsTheMeasurementsOff() {
        assertFalse(parse("--no-measure").measure);
    }

    @Test
    void measureKeepsThemOn() {
        assertTrue(parse("--measure").measure);
    }
}
