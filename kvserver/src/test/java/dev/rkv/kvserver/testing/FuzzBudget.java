package dev.rkv.kvserver.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * How long a fuzz test runs: its fixed input count in CI, or {@code -Drkv.fuzz.seconds=S} of
 * inputs when experiments/fuzz-soak.sh soaks it; the seed from {@code -Drkv.fuzz.seed}; and the
 * count of inputs tried appended to {@code -Drkv.fuzz.report} as "Class#method inputs=N".
 */
public final class FuzzBudget {
    private final long ciCount;
    private final long seconds = Long.getLong("rkv.fuzz.seconds", 0);
    private final long deadline;
    private long tried;

    private FuzzBudget(long ciCount) {
        this.ciCount = ciCount;
        this.deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    }

    public static FuzzBudget of(long ciCount) {
        return new FuzzBudget(ciCount);
    }

    /** The seed to use: the soak's when given, else the test's own fixed one. */
    public static long seed(long fixed) {
        return Long.getLong("rkv.fuzz.seed", fixed);
    }

    /** A hang detector's bound: the CI one, plus the soak's duration when soaking. */
    public static Duration timeout(Duration ci) {
        return ci.plusSeconds(Long.getLong("rkv.fuzz.seconds", 0));
    }

    /** Whether to try one more input; counts it. */
    public boolean more() {
        boolean go = seconds > 0 ? System.nanoTime() < deadline : tried < ciCount;
        if (go) {
            tried++;
        }
        return go;
    }

    public long tried() {
        return tried;
    }

    /** Appends "id inputs=N" to the soak's report file, when there is one. */
    public void report(String id) {
        String file = System.getProperty("rkv.fuzz.report");
        if (file == null || file.isBlank()) {
            return;
        }
        try {
            Files.writeString(Path.of(file), id + " inputs=" + tried + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
