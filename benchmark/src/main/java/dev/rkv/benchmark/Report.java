package dev.rkv.benchmark;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The output, in redis-benchmark 7.0's three forms: the full report per test (default), one line per
 * test ({@code -q}), or CSV with its header ({@code --csv}). Latencies are printed in milliseconds
 * with 3 decimals, from the histogram's microseconds, as redis-benchmark prints them.
 */
final class Report {
    static final String CSV_HEADER = "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\","
        + "\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"";

    /** The server's {@code save} and {@code appendonly} settings, shown in the full report. */
    record ServerSettings(String save, String appendonly) {
    }

    private final PrintStream out;
    private final BenchmarkOptions options;
    private final ServerSettings settings;
    private final boolean interactive;
    private int lastProgressLength;
    private String progressTitle;
    private long progressAnswered;
    private long progressLatencySum;
    private long progressNanos;

    /**
     * @param settings    null when the server did not tell them
     * @param interactive print the live progress line (on a terminal, as redis-benchmark does)
     */
    Report(PrintStream out, BenchmarkOptions options, ServerSettings settings, boolean interactive) {
        this.out = out;
        this.options = options;
        this.settings = settings;
        this.interactive = interactive && !options.csv();
    }

    void begin() {
        if (options.csv()) {
            out.println(CSV_HEADER);
        }
    }

    /** The live line, overwritten in place with {@code \r}: the last interval's rate and mean, and the test's so far. */
    void progress(String title, long answered, long latencySumMicros, long elapsedNanos) {
        if (!interactive) {
            return;
        }
        if (!title.equals(progressTitle)) {
            progressTitle = title;
            progressAnswered = 0;
            progressLatencySum = 0;
            progressNanos = 0;
        }
        long n = answered - progressAnswered;
        double interval = Math.max(elapsedNanos - progressNanos, 1) / 1e9;
        String line = String.format(Locale.ROOT, "%s: rps=%.1f (overall: %.1f) avg_msec=%.3f (overall: %.3f)\r", title,
            n / interval, answered / (Math.max(elapsedNanos, 1) / 1e9),
            n == 0 ? 0.0 : (latencySumMicros - progressLatencySum) / 1000.0 / n,
            answered == 0 ? 0.0 : latencySumMicros / 1000.0 / answered);
        progressAnswered = answered;
        progressLatencySum = latencySumMicros;
        progressNanos = elapsedNanos;
        lastProgressLength = line.length();
        out.print(line);
        out.flush();
    }

    /**
     * One test's result.
     *
     * @param payload the {@code -d} size, or the request's size for a command given on the command line
     */
    void result(TestRun.Result r, int payload) {
        Histogram h = r.histogram();
        double avg = h.getMean() / 1000;
        double min = h.getMinValue() / 1000.0;
        double p50 = h.getValueAtPercentile(50) / 1000.0;
        double p95 = h.getValueAtPercentile(95) / 1000.0;
        double p99 = h.getValueAtPercentile(99) / 1000.0;
        double max = h.getMaxValue() / 1000.0;
        if (options.csv()) {
            out.printf(Locale.ROOT, "\"%s\",\"%.2f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\"%n",
                r.title(), r.requestsPerSecond(), avg, min, p50, p95, p99, max);
            return;
        }
        clearProgress();
        if (options.quiet()) {
            out.printf(Locale.ROOT, "%s: %.2f requests per second, p50=%.3f msec%n", r.title(), r.requestsPerSecond(), p50);
            return;
        }
        StringBuilder s = new StringBuilder();
        s.append("====== ").append(r.title()).append(" ======\n");
        s.append(String.format(Locale.ROOT, "  %d requests completed in %.2f seconds%n", r.requests(), r.elapsedNanos() / 1e9));
        s.append("  ").append(options.clients()).append(" parallel clients\n");
        s.append("  ").append(payload).append(" bytes payload\n");
        s.append("  keep alive: 1\n");
        if (settings != null) {
            s.append("  host configuration \"save\": ").append(settings.save()).append('\n');
            s.append("  host configuration \"appendonly\": ").append(settings.appendonly()).append('\n');
        }
        int threads = Math.min(options.threads(), options.clients());
        s.append("  multi-thread: ").append(threads > 1 ? "yes" : "no").append('\n');
        if (threads > 1) {
            s.append("  threads: ").append(threads).append('\n');
        }
        s.append('\n');
        s.append("Latency by percentile distribution:\n");
        long total = h.getTotalCount();
        long previous = -1;
        for (HistogramIterationValue v : h.percentiles(1)) {
            long cumulative = v.getTotalCountToThisValue();
            if (cumulative != previous || cumulative == total) {
                s.append(line(v.getPercentileLevelIteratedTo(), v.getValueIteratedTo(), cumulative));
            }
            previous = cumulative;
        }
        s.append('\n');
        s.append("Cumulative distribution of latencies:\n");
        cumulativeDistribution(h, s);
        s.append('\n');
        s.append("Summary:\n");
        s.append(String.format(Locale.ROOT, "  throughput summary: %.2f requests per second%n", r.requestsPerSecond()));
        s.append("  latency summary (msec):\n");
        s.append(String.format(Locale.ROOT, "    %9s %9s %9s %9s %9s %9s%n", "avg", "min", "p50", "p95", "p99", "max"));
        s.append(String.format(Locale.ROOT, "    %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f%n", avg, min, p50, p95, p99, max));
        out.print(s);
    }

    /** After the last test: redis-benchmark ends its non-CSV output with an empty line. */
    void end() {
        if (!options.csv()) {
            clearProgress();
            out.println();
        }
    }

    /**
     * Counts at every 0.1 ms up to 2 ms, then every 1 ms, until all are counted; a level is shown
     * when its count differs from the previous one's.
     */
    private static void cumulativeDistribution(Histogram h, StringBuilder s) {
        long total = h.getTotalCount();
        long step = 100;
        long previous = -1;
        long cumulative = 0;
        long countedTo = -1;
        for (long level = step; total > 0; level += step) {
            long high = h.highestEquivalentValue(level);
            if (high > countedTo) {
                cumulative += h.getCountBetweenValues(countedTo + 1, high);
                countedTo = high;
            }
            if (cumulative != previous || cumulative == total) {
                s.append(line(100.0 * cumulative / total, high, cumulative));
            }
            if (cumulative == total) {
                break;
            }
            previous = cumulative;
            if (high > 2000) {
                step = 1000;
            }
        }
    }

    private static String line(double percentile, long micros, long cumulative) {
        return String.format(Locale.ROOT, "%3.3f%% <= %.3f milliseconds (cumulative count %d)%n", percentile,
            micros / 1000.0, cumulative);
    }

    private void clearProgress() {
        if (interactive && lastProgressLength > 0) {
            out.print(" ".repeat(lastProgressLength) + "\r");
            lastProgressLength = 0;
        }
    }
}
