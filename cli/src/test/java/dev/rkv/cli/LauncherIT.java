package dev.rkv.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cli/bin/rkv}, the command the README gives: it runs the packaged jar with rkv's JVM
 * settings, which {@code RKV_JAVA_OPTS} replaces. Runs after {@code package}, on the real jar.
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("bin", "rkv").toAbsolutePath();
    private static final Path JAR = Path.of("target", "rkv.jar").toAbsolutePath();

    @TempDir
    Path tmp;

    private record Run(int exit, String output) {
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(concat(List.of(LAUNCHER.toString()), List.of(args))).redirectErrorStream(true);
        pb.environment().remove("RKV_JAVA_OPTS");
        pb.environment().remove("RKV_JAR");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher did not exit");
        return new Run(p.exitValue(), out);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** A stand-in for java that prints the arguments it was given, one per line. */
    private Path echoJava() throws IOException {
        Path fake = tmp.resolve("java");
        Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        assertTrue(fake.toFile().setExecutable(true));
        return fake;
    }

    @Test
    void runsTheServerOnG1AndTheTableHoldersOnTheParallelCollectorWithASmallYoungGeneration() throws Exception {
        Run server = run(Map.of("JAVA", echoJava().toString()), "server", "--port", "0");
        assertEquals(0, server.exit(), server.output());
        assertEquals(List.of("-XX:+UseG1GC", "-jar", JAR.toString(), "server", "--port", "0"), server.output().lines().toList());
        Run other = run(Map.of("JAVA", echoJava().toString()), "doctor");
        assertEquals(List.of("-XX:+UseParallelGC", "-jar", JAR.toString(), "doctor"), other.output().lines().toList());
        // Strings in a primary agent's table: the small young generation.
        Run primary = run(Map.of("JAVA", echoJava().toString()), "primary-agent", "--port", "0");
        assertEquals(List.of("-XX:+UseParallelGC", "-Xmn64m", "-jar", JAR.toString(), "primary-agent", "--port", "0"),
            primary.output().lines().toList());
        Run promotable = run(Map.of("JAVA", echoJava().toString()), "replica-agent", "--port", "0", "--primary-agent");
        assertEquals(List.of("-XX:+UseParallelGC", "-Xmn64m", "-jar", JAR.toString(), "replica-agent", "--port", "0", "--primary-agent"),
            promotable.output().lines().toList());
        // A pull's objects all survive: the default young generation.
        for (String command : List.of("replica-agent", "demo")) {
            Run r = run(Map.of("JAVA", echoJava().toString()), command, "--port", "0");
            assertEquals(List.of("-XX:+UseParallelGC", "-jar", JAR.toString(), command, "--port", "0"),
                r.output().lines().toList(), command);
        }
    }

    @Test
    void rkvJavaOptsReplaceTheSettingsAndAnEmptyValueLeavesTheJvmDefaults() throws Exception {
        Run tuned = run(Map.of("JAVA", echoJava().toString(), "RKV_JAVA_OPTS", "-Xms1g -Xmx1g"), "doctor");
        assertEquals(List.of("-Xms1g", "-Xmx1g", "-jar", JAR.toString(), "doctor"), tuned.output().lines().toList());
        Run plain = run(Map.of("JAVA", echoJava().toString(), "RKV_JAVA_OPTS", ""), "doctor");
        assertEquals(List.of("-jar", JAR.toString(), "doctor"), plain.output().lines().toList());
    }

    @Test
    void startsTheRealJar() throws Exception {
        Run r = run(Map.of(), "--version");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().startsWith("rkv "), r.output());
    }

    @Test
    void aMissingJarIsOneLineAndExitCode2() throws Exception {
        Run r = run(Map.of("RKV_JAR", tmp.resolve("nope.jar").toString()));
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("build it first: mvn -B -q package -DskipTests"), r.output());
    }
}
