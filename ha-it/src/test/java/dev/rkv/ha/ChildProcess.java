package dev.rkv.ha;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server process a test owns (an rkv JVM or a redis-sentinel), with the signals a crash or a
 * partition sends it. Output goes to a file in the server's directory, kept for a post-mortem.
 * {@link #close()} always leaves it dead, so that a failed test leaks no process.
 */
final class ChildProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ChildProcess start(String name, Path dir, List<String> command) throws IOException {
        Path log = dir.resolve(name + ".out");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ChildProcess(name, p, log);
    }

    /** {@code java -cp <this test's classpath> dev.rkv.cli.Main args...}: rkv as a user runs it. */
    static ChildProcess rkv(String name, Path dir, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            // Small heaps and the quick JIT keep three servers affordable on a 2-core machine.
            "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", testClasspath(), "dev.rkv.cli.Main"));
        cmd.addAll(List.of(args));
        return start(name, dir, cmd);
    }

    /**
     * Failsafe may run tests from a manifest-only jar, so {@code java.class.path} can be that one
     * jar; the full path is in {@code surefire.test.class.path}.
     */
    private static String testClasspath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "[cannot read " + log + ": " + e + "]";
        }
    }

    /** SIGKILL: no shutdown, no last write, as a crash or the OOM killer. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process freezes with its sockets open, as a partitioned or stalled host. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException("kill -" + sig + " " + process.pid() + " (" + name + ") failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL for 20 s");
        }
    }
}
