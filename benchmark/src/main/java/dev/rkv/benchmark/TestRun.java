package dev.rkv.benchmark;

import dev.rkv.benchmark.transport.Transport;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One test: connects {@code -c} clients spread over {@code --threads} workers, starts the clock
 * when every connection is made and set up, and stops it when the last reply of the {@code -n}
 * requests has arrived.
 */
final class TestRun {
    /** redis-benchmark's histogram floor: 10 µs, so the smallest bucket is 8 µs wide, as in its output. */
    static final long HISTOGRAM_MIN_MICROS = 10;
    /** Latencies above a minute are recorded as a minute. */
    static final long HISTOGRAM_MAX_MICROS = 60_000_000;
    /** How often the progress line is refreshed, as redis-benchmark does. */
    static final long PROGRESS_MILLIS = 250;

    /** What a finished test measured. */
    record Result(String title, long requests, long elapsedNanos, Histogram histogram, long errors, String firstError) {
        double requestsPerSecond() {
            return requests / (elapsedNanos / 1e9);
        }
    }

    private final BenchmarkOptions options;
    private final String title;
    private final AtomicLong issued = new AtomicLong();
    private final CountDownLatch ready;
    private final CountDownLatch start = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean aborted;
    private final List<Worker> workers = new ArrayList<>();

    TestRun(BenchmarkOptions options, Transport transport, String title, Request request, byte[] prefix,
            int prefixReplies) {
        this.options = options;
        this.title = title;
        int threads = Math.min(options.threads(), options.clients());
        List<List<Client>> shares = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < options.clients(); i++) {
            // Client i goes to thread i mod threads, as redis-benchmark spreads them.
            shares.get(i % threads).add(new Client(request, options.pipeline(), prefix, prefixReplies));
        }
        long seed = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            workers.add(new Worker(this, transport, shares.get(t), options.keyspace(), seed + t));
        }
        this.ready = new CountDownLatch(threads);
    }

    static Histogram newHistogram(int precision) {
        return new Histogram(HISTOGRAM_MIN_MICROS, HISTOGRAM_MAX_MICROS, precision);
    }

    /**
     * Runs the test to its end.
     *
     * @param progress called about every {@value #PROGRESS_MILLIS} ms with the replies so far, or null
     */
    Result execute(Progress progress) throws BenchmarkException, InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < workers.size(); t++) {
            Thread thread = new Thread(workers.get(t), "rkv-benchmark-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        long startedAt;
        try {
            ready.await();
        } finally {
            startedAt = System.nanoTime();
            start.countDown();
        }
        for (Thread thread : threads) {
            for (thread.join(PROGRESS_MILLIS); thread.isAlive(); thread.join(PROGRESS_MILLIS)) {
                if (progress != null && failure.get() == null) {
                    progress.update(this, answered(), latencySumMicros(), System.nanoTime() - startedAt);
                }
            }
        }
        Throwable t = failure.get();
        if (t instanceof BenchmarkException e) {
            throw e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        Histogram histogram = newHistogram(options.precision());
        long finishedAt = startedAt;
        long errors = 0;
        String firstError = null;
        for (Worker w : workers) {
            histogram.add(w.histogram);
            finishedAt = Math.max(finishedAt, w.finishedAt());
            errors += w.errors();
            if (firstError == null) {
                firstError = w.firstError();
            }
        }
        return new Result(title, histogram.getTotalCount(), finishedAt - startedAt, histogram, errors, firstError);
    }

    /** Receives the progress of a running test. */
    interface Progress {
        void update(TestRun run, long answered, long latencySumMicros, long elapsedNanos);
    }

    // ---- called by the workers

    /** Counts this worker ready and waits for the clock to start; false when the run was aborted. */
    boolean readyAndAwaitStart() {
        ready.countDown();
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        }
        return !aborted;
    }

    /** Takes up to {@code -P} requests from the test's count; 0 when all {@code -n} are taken. */
    int claim() {
        int pipeline = options.pipeline();
        long before = issued.getAndAdd(pipeline);
        long requests = options.requests();
        return before >= requests ? 0 : (int) Math.min(pipeline, requests - before);
    }

    void fail(Throwable t) {
        failure.compareAndSet(null, t);
        aborted = true;
    }

    boolean aborted() {
        return aborted;
    }

    /** How long a worker may get no reply at all before it fails the run. */
    long replyTimeoutMillis() {
        return options.replyTimeoutMillis();
    }

    int precision() {
        return options.precision();
    }

    String title() {
        return title;
    }

    String host() {
        return options.host();
    }

    int port() {
        return options.port();
    }

    String peer() {
        return options.host() + ":" + options.port();
    }

    long requests() {
        return options.requests();
    }

    /** Replies recorded so far by all workers. */
    long answered() {
        long n = 0;
        for (Worker w : workers) {
            n += w.completed.get();
        }
        return n;
    }

    private long latencySumMicros() {
        long n = 0;
        for (Worker w : workers) {
            n += w.latencySumMicros.get();
        }
        return n;
    }
}
