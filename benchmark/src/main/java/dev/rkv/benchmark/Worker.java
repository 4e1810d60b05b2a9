package dev.rkv.benchmark;

import dev.rkv.benchmark.transport.Connection;
import dev.rkv.benchmark.transport.Poller;
import dev.rkv.benchmark.transport.ReadyHandler;
import dev.rkv.benchmark.transport.Transport;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread's share of the clients, on one {@link Poller}. Each client sends a batch of
 * {@code -P} requests, waits for all their replies, and sends the next batch, as redis-benchmark's
 * clients do; a reply's latency runs from the start of its batch's write to the read that completed
 * it. Requests are taken from the test's shared count batch by batch, so the run stops at exactly
 * {@code -n} requests.
 *
 * <p>The hot path (read, scan, record, patch digits, write) allocates nothing: buffers, scanner and
 * histogram are made before the test starts.
 */
final class Worker implements Runnable, ReadyHandler {
    /** How long a poll waits before the worker looks at the run's abort flag. */
    private static final long POLL_MILLIS = 100;
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final TestRun run;
    private final Transport transport;
    private final List<Client> clients;
    private final long keyspace;
    private final SplittableRandom random;
    /** Latencies in microseconds, redis-benchmark's unit. */
    final Histogram histogram;
    /** Replies recorded, and the sum of their latencies, read by the progress line. */
    final AtomicLong completed = new AtomicLong();
    final AtomicLong latencySumMicros = new AtomicLong();
    private int active;
    private int handshaking;
    private long finishedAt;
    /** When a reply last arrived on any of this worker's connections (or the waiting began). */
    private long lastReplyAt;

    Worker(TestRun run, Transport transport, List<Client> clients, long keyspace, long seed) {
        this.run = run;
        this.transport = transport;
        this.clients = new ArrayList<>(clients);
        this.keyspace = keyspace;
        this.random = new SplittableRandom(seed);
        this.histogram = TestRun.newHistogram(run.precision());
    }

    /** When this worker's last reply arrived ({@link System#nanoTime()}); 0 if it did not finish. */
    long finishedAt() {
        return finishedAt;
    }

    long errors() {
        long e = 0;
        for (Client c : clients) {
            e += c.scanner.errors();
        }
        return e;
    }

    String firstError() {
        for (Client c : clients) {
            if (c.scanner.firstError() != null) {
                return c.scanner.firstError();
            }
        }
        return null;
    }

    @Override
    public void run() {
        boolean ready = false;
        try (Poller poller = transport.openPoller()) {
            for (Client c : clients) {
                c.connection = connect(poller, c);
            }
            handshake(poller);
            ready = true;
            if (!run.readyAndAwaitStart()) {
                return;
            }
            active = clients.size();
            lastReplyAt = System.nanoTime();
            for (Client c : clients) {
                nextBatch(c);
            }
            while (active > 0 && !run.aborted()) {
                poller.poll(POLL_MILLIS, this);
                checkProgress();
            }
            finishedAt = System.nanoTime();
        } catch (BenchmarkException e) {
            run.fail(e);
        } catch (IOException e) {
            run.fail(new BenchmarkException(describe(e), e));
        } catch (RuntimeException | Error e) {
            run.fail(e);
        } finally {
            if (!ready) {
                run.readyAndAwaitStart();
            }
        }
    }

    private Connection connect(Poller poller, Client c) throws BenchmarkException {
        try {
            return poller.connect(run.host(), run.port(), CONNECT_TIMEOUT_MILLIS, c);
        } catch (IOException e) {
            throw new BenchmarkException("Could not connect to Redis at " + run.peer() + ": " + e.getMessage(), e);
        }
    }

    /** Sends AUTH and SELECT on every connection and waits for their replies, before the clock starts. */
    private void handshake(Poller poller) throws IOException, BenchmarkException {
        for (Client c : clients) {
            if (c.prefix != null) {
                c.handshaking = true;
                c.pending = c.prefixReplies;
                c.sending = c.prefix;
                handshaking++;
                flush(c);
            }
        }
        lastReplyAt = System.nanoTime();
        while (handshaking > 0 && !run.aborted()) {
            poller.poll(POLL_MILLIS, this);
            checkProgress();
        }
        for (Client c : clients) {
            if (c.scanner.firstError() != null) {
                throw new BenchmarkException("the server refused the connection's setup (AUTH or SELECT): "
                    + c.scanner.firstError());
            }
        }
    }

    @Override
    public void ready(Connection connection, boolean readable, boolean writable) throws IOException {
        Client c = (Client) connection.attachment();
        if (writable) {
            flush(c);
        }
        if (readable) {
            try {
                read(c);
            } catch (ReplyScanner.ProtocolException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    private void read(Client c) throws IOException, ReplyScanner.ProtocolException {
        ByteBuffer in = c.in;
        // A read that filled the buffer may have left more behind: read on instead of waiting for
        // the next poll (a -P 16 batch of 1 KiB GET replies is 16.5 KiB).
        for (int n = in.capacity(); n == in.capacity(); ) {
            n = c.connection.read(in);
            if (n < 0) {
                throw new IOException("the server closed the connection");
            }
            if (n == 0) {
                return;
            }
            long now = System.nanoTime();
            in.flip();
            int replies = c.scanner.scan(in);
            in.clear();
            if (replies > 0) {
                replies(c, replies, now);
            }
        }
    }

    /**
     * Fails the run when none of this worker's connections got a reply for the reply timeout: a
     * server that accepted and stays silent would otherwise keep the load connections waiting forever.
     */
    private void checkProgress() throws BenchmarkException {
        long silent = System.nanoTime() - lastReplyAt;
        if (silent > run.replyTimeoutMillis() * 1_000_000) {
            throw new BenchmarkException(run.title() + ": no reply from " + run.peer() + " for "
                + silent / 1_000_000 + " ms (--reply-timeout " + run.replyTimeoutMillis() + "), " + run.answered()
                + " of " + run.requests() + " requests answered: the server accepts connections but does not answer");
        }
    }

    /** {@code replies} replies completed by a read at {@code now}. */
    private void replies(Client c, int replies, long now) throws IOException, ReplyScanner.ProtocolException {
        lastReplyAt = now;
        if (replies > c.pending) {
            throw new ReplyScanner.ProtocolException(replies + " replies arrived for " + c.pending + " requests");
        }
        c.pending -= replies;
        if (c.handshaking) {
            if (c.pending == 0) {
                c.handshaking = false;
                handshaking--;
            }
            return;
        }
        long micros = Math.min((now - c.sentAt) / 1000, TestRun.HISTOGRAM_MAX_MICROS);
        histogram.recordValueWithCount(micros, replies);
        completed.lazySet(completed.get() + replies);
        latencySumMicros.lazySet(latencySumMicros.get() + micros * replies);
        if (c.pending == 0) {
            nextBatch(c);
        }
    }

    /** Takes the next batch from the run's count and writes it; a client with nothing left to send retires. */
    private void nextBatch(Client c) throws IOException {
        int batch = run.claim();
        if (batch == 0) {
            active--;
            return;
        }
        ByteBuffer requests = c.requests;
        if (keyspace != BenchmarkOptions.NO_RANDOM_KEYS) {
            int[] offsets = c.randomOffsets;
            for (int k = 0, end = batch * c.randomPerRequest; k < end; k++) {
                writeDigits(requests, offsets[k], keyspace <= 1 ? 0 : random.nextLong(keyspace));
            }
        }
        requests.limit(batch * c.requestLength).position(0);
        c.pending = batch;
        c.sending = requests;
        c.sentAt = System.nanoTime();
        flush(c);
    }

    private static void writeDigits(ByteBuffer buffer, int offset, long value) {
        for (int i = Request.RAND_DIGITS - 1; i >= 0; i--) {
            buffer.put(offset + i, (byte) ('0' + value % 10));
            value /= 10;
        }
    }

    private void flush(Client c) throws IOException {
        ByteBuffer out = c.sending;
        if (out.hasRemaining()) {
            c.connection.write(out);
        }
        boolean more = out.hasRemaining();
        if (more != c.awaitingWritable) {
            c.connection.awaitWritable(more);
            c.awaitingWritable = more;
        }
    }

    private String describe(IOException e) {
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return run.title() + ": " + what + " (" + run.peer() + ", " + run.answered() + " of " + run.requests()
            + " requests answered)";
    }
}
