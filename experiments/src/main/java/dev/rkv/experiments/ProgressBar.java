package dev.rkv.experiments;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar. On a terminal it is redrawn in place; when the output is a file or
 * a pipe (a log), it prints a plain status line only when the bar moved by a tenth or every
 * {@link #PLAIN_INTERVAL_NANOS}, so a log gets a few readable lines instead of thousands of
 * carriage returns.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;
    static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;
    private final PrintStream out;
    private final String label;
    private final boolean inPlace;
    private int lastLength;
    private int lastTenth = -1;
    private long lastPlain;

    /** A bar drawn in place when the JVM has a terminal ({@link System#console()}), plain lines otherwise. */
    public ProgressBar(PrintStream out, String label) {
        this(out, label, System.console() != null);
    }

    public ProgressBar(PrintStream out, String label, boolean inPlace) {
        this.out = out;
        this.label = label;
        this.inPlace = inPlace;
    }

    public boolean inPlace() {
        return inPlace;
    }

    public void update(double fraction, String detail) {
        double f = Math.max(0, Math.min(1, fraction));
        if (inPlace) {
            int filled = (int) Math.round(f * WIDTH);
            String line = String.format(Locale.ROOT, "%s [%s%s] %5.1f%% %s", label, "#".repeat(filled), "-".repeat(WIDTH - filled),
                f * 100, detail);
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            out.flush();
            lastLength = line.length();
            return;
        }
        int tenth = (int) Math.floor(f * 10);
        long now = System.nanoTime();
        if (tenth != lastTenth || now - lastPlain >= PLAIN_INTERVAL_NANOS) {
            out.println(String.format(Locale.ROOT, "%s: %5.1f%% %s", label, f * 100, detail));
            out.flush();
            lastTenth = tenth;
            lastPlain = now;
        }
    }

    public void done(String detail) {
        if (inPlace) {
            update(1, detail);
            out.println();
        } else {
            out.println(label + ": done, " + detail);
        }
        out.flush();
    }

    public static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
