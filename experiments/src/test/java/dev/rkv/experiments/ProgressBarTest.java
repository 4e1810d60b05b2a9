package dev.rkv.experiments;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
    @Test
    void plainOutputPrintsAFewLinesWithoutCarriageReturns() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), "sync", false);
        for (int i = 0; i <= 1000; i++) {
            bar.update(i / 1000.0, i + " keys");
        }
        bar.done("1000 keys");
        String text = buf.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("\r"), text);
        long lines = text.lines().count();
        assertTrue(lines <= 13, "one line per tenth and the last, was " + lines + ":\n" + text);
        assertTrue(text.endsWith("sync: done, 1000 keys" + System.lineSeparator()), text);
    }

    @Test
    void terminalOutputRedrawsOneLine() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), "load", true);
        bar.update(0.5, "half");
        bar.done("all");
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.chars().filter(c -> c == '\n').count(), "one line, ended once");
        assertTrue(text.startsWith("\rload [###############---------------]  50.0% half"), text);
    }
}
