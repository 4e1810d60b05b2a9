package dev.rkv.cli.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code rkv} command run as a child JVM, the way a user runs it, with the signals an
 * operator or a crash sends it: SIGTERM, SIGKILL, SIGSTOP and SIGCONT. Its stdout and stderr
 * are collected line by line so a test can wait for a phase the process announces.
 */
public final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        drain(process.getInputStream(), "out");
        drain(process.getErrorStream(), "err");
    }

    /**
     * Starts {@code java -cp <test classpath> dev.rkv.cli.Main args...}.
     *
     * @param workDir the child's working directory
     * @param prefix  a command the JVM runs under (for example {@code prlimit --fsize=N --}), or empty
     */
    public static ChildJvm start(String name, Path workDir, List<String> prefix, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small heaps and one JIT thread keep several children affordable on a 2-core machine.
        cmd.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + workDir.resolve("tmp"),
            "-cp", classpath(), "dev.rkv.cli.Main"));
        cmd.addAll(args);
        workDir.resolve("tmp").toFile().mkdirs();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        return new ChildJvm(name, pb.start());
    }

    public static ChildJvm start(String name, Path workDir, String... args) throws IOException {
        return start(name, workDir, List.of(), List.of(args));
    }

    /**
     * The test's real classpath. Surefire and failsafe run tests from a manifest-only jar, so
     * {@code java.class.path} may be that one jar; they put the full path in
     * {@code surefire.test.class.path}.
     */
    static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        return cp;
    }

    private void drain(InputStream in, String stream) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                synchronized (lines) {
                    lines.add("[" + stream + " closed: " + e + "]");
                }
            }
        }, "child-" + name + "-" + stream);
        t.setDaemon(true);
        t.start();
    }

    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the child printed so far, stdout and stderr interleaved as read. */
    public List<String> output() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    public String outputText() {
        return String.join("\n", output());
    }

    /** Waits for a line matching {@code regex}; returns its match, so groups can be read. */
    public Matcher awaitLine(String regex, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Matcher m = p.matcher(lines.get(seen));
                    if (m.find()) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && seen == lines.size())) {
                    throw new AssertionError(name + ": no line matching /" + regex + "/ within " + timeout
                        + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; output:\n" + outputText());
                }
                lines.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    /** SIGTERM, as {@code kill PID} or a service manager sends it. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: the process gets no chance to clean up, as after a crash or the OOM killer. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process and its threads freeze, its sockets stay open (a stalled peer). */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException("kill -" + sig + " " + process.pid() + " failed");
        }
    }

    /** Waits for the exit; returns the exit code, or -1 when still running after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Kills the child if it still runs (a test that failed half-way must not leave processes behind). */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                signal("CONT");
            } catch (IOException | InterruptedException e) {
                // It is killed next in any case; SIGCONT only lets a stopped child die promptly.
                Thread.interrupted();
            }
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
