package dev.rkv.benchmark;

import dev.rkv.benchmark.transport.Transport;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rkv benchmark}: a load generator with redis-benchmark 7.0's options, tests and output
 * forms. See {@link BenchmarkOptions#USAGE} and benchmark/README.md.
 */
public final class Benchmark {
    /** Request buffers of all clients together may take at most this many bytes. */
    static final long MAX_REQUEST_BUFFERS = 1L << 30;

    private Benchmark() {
    }

    /**
     * Runs {@code rkv benchmark} with these arguments.
     *
     * @return the exit code: 0 when every test ran and no reply was an error, 1 otherwise (a wrong
     *         option, no connection, a closed connection, error replies), with one line on {@code err}
     */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        try {
            BenchmarkOptions options = BenchmarkOptions.parse(args);
            if (options == null) {
                out.print(BenchmarkOptions.USAGE);
                return 0;
            }
            run(options, out, err);
            return 0;
        } catch (UsageException | BenchmarkException e) {
            out.flush();
            err.println("rkv benchmark: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("rkv benchmark: interrupted");
            return 1;
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    private static void run(BenchmarkOptions o, PrintStream out, PrintStream err)
            throws UsageException, BenchmarkException, InterruptedException {
        List<Suite.Test> tests;
        int payload;
        if (o.command().isEmpty()) {
            tests = Suite.selected(o.tests(), Suite.data(o.dataSize()), o.randomKeys());
            payload = o.dataSize();
        } else {
            Request request = Request.multibulk(o.command().toArray(new String[0]));
            tests = List.of(new Suite.Test(String.join(" ", o.command()), List.of(), request));
            // redis-benchmark reports a command's size as its payload.
            payload = request.length();
        }
        for (Suite.Test t : tests) {
            checkBufferSize(o, t);
        }
        try (Transport transport = Transports.forOptions(o)) {
            run(o, transport, tests, payload, out, err);
        }
    }

    private static void run(BenchmarkOptions o, Transport transport, List<Suite.Test> tests, int payload,
                            PrintStream out, PrintStream err) throws BenchmarkException, InterruptedException {
        Report.ServerSettings settings = setUp(o, transport, err);
        List<String> prefixCommands = new ArrayList<>();
        byte[] prefix = prefix(o, prefixCommands);
        Warmup.run(o, tests.get(0).request());
        Report report = new Report(out, o, settings, System.console() != null);
        report.begin();
        for (Suite.Test t : tests) {
            TestRun run = new TestRun(o, transport, t.title(), t.request(), prefix, prefixCommands.size());
            TestRun.Result r = run.execute((tr, answered, latencySum, elapsed) ->
                report.progress(tr.title(), answered, latencySum, elapsed));
            if (r.errors() > 0) {
                // redis-benchmark 7.0 stops at an error reply: figures of failing commands measure nothing.
                out.flush();
                err.println("Error from server: " + r.firstError());
                throw new BenchmarkException(t.title() + ": " + r.errors() + " of " + r.requests()
                    + " replies were errors");
            }
            report.result(r, payload);
        }
        report.end();
        out.flush();
    }

    /**
     * Connects once before the tests: a refused connection or a wrong password fails here, in one
     * line, and the server's {@code save} and {@code appendonly} settings are read for the report.
     */
    private static Report.ServerSettings setUp(BenchmarkOptions o, Transport transport, PrintStream err)
            throws BenchmarkException {
        try (SetupConnection setup = SetupConnection.open(transport, o.host(), o.port(), o.replyTimeoutMillis())) {
            if (o.password() != null) {
                Object reply = o.user() == null ? setup.call("AUTH", o.password())
                    : setup.call("AUTH", o.user(), o.password());
                if (reply instanceof SetupConnection.ErrorReply e) {
                    throw new BenchmarkException("AUTH failed: " + e.message());
                }
            }
            String save = configValue(setup.call("CONFIG", "GET", "save"));
            String appendonly = configValue(setup.call("CONFIG", "GET", "appendonly"));
            if (save == null || appendonly == null) {
                err.println("WARNING: Could not fetch server CONFIG");
                return null;
            }
            return new Report.ServerSettings(save, appendonly);
        } catch (IOException e) {
            throw new BenchmarkException("closing the setup connection: " + e.getMessage(), e);
        }
    }

    private static String configValue(Object reply) {
        if (reply instanceof List<?> l && l.size() >= 2) {
            return l.get(1) instanceof String s ? s : null;
        }
        return null;
    }

    /** AUTH and SELECT, sent on each connection before the clock starts. */
    private static byte[] prefix(BenchmarkOptions o, List<String> commands) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        if (o.password() != null) {
            Request auth = o.user() == null ? Request.multibulk("AUTH", o.password())
                : Request.multibulk("AUTH", o.user(), o.password());
            bytes.writeBytes(auth.bytes());
            commands.add("AUTH");
        }
        if (o.dbnum() != 0) {
            bytes.writeBytes(Request.multibulk("SELECT", Integer.toString(o.dbnum())).bytes());
            commands.add("SELECT");
        }
        return commands.isEmpty() ? null : bytes.toByteArray();
    }

    private static void checkBufferSize(BenchmarkOptions o, Suite.Test t) throws UsageException {
        long perClient = (long) t.request().length() * o.pipeline();
        long all = perClient * o.clients();
        if (perClient > Integer.MAX_VALUE - 64 || all > MAX_REQUEST_BUFFERS) {
            throw new UsageException(String.format("-c %d -P %d: %s needs %d bytes of request buffers (%d per "
                    + "client); at most %d", o.clients(), o.pipeline(), t.title(), all, perClient, MAX_REQUEST_BUFFERS));
        }
    }
}
