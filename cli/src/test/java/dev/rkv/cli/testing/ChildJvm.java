package dev.rkv.cli.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * go to a file a test reads to wait for a phase the process announces.
 */
public final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java -cp <test classpath> dev.rkv.cli.Main args...}; stdout and stderr go to
     * {@code <workDir>/<name>.log}.
     *
     * @param workDir the child's working directory
     * @param prefix  a command the JVM runs under (for example {@code prlimit --fsize=N --}), or empty
     */
    public static ChildJvm start(String name, Path workDir, List<String> prefix, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small heaps and the quick JIT only keep several children affordable on a 2-core machine.
        cmd.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + workDir.resolve("tmp"),
            "-cp", classpath(), "dev.rkv.cli.Main"));
        cmd.addAll(args);
        Files.createDirectories(workDir.resolve("tmp"));
        // A file, not a pipe: the output is complete once the process has exited (the JDK may close a
        // dead child's pipe under a reader) and stays there for a post-mortem.
        Path log = workDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ChildJvm(name, pb.start(), log);
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

    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the child printed so far, stdout and stderr interleaved. */
    public List<String> output() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of("[cannot read " + log + ": " + e + "]");
        }
    }

    public String outputText() {
        return String.join("\n", output());
    }

    /** Waits for a line matching {@code regex}; returns its match, so groups can be read. */
    public Matcher awaitLine(String regex, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean exited = !process.isAlive();
            for (String line : output()) {
                Matcher m = p.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            if (exited || System.nanoTime() > deadline) {
                throw new AssertionError(name + ": no line matching /" + regex + "/ within " + timeout
                    + (exited ? " (exited " + process.exitValue() + ")" : "") + "; output:\n" + outputText());
            }
            Thread.sleep(10);
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
