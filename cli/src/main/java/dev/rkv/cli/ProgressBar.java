package dev.rkv.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar redrawn in place on a terminal stream. */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private int lastLength;

    ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    void update(double fraction, String detail) {
        double f = Math.max(0, Math.min(1, fraction));
        int filled = (int) Math.round(f * WIDTH);
        String line = String.format(Locale.ROOT, "%s [%s%s] %5.1f%% %s", label, "#".repeat(filled), "-".repeat(WIDTH - filled), f * 100,
            detail);
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        out.flush();
        lastLength = line.length();
    }

    void done(String detail) {
        update(1, detail);
        out.println();
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
