package dev.rkv.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rkv benchmark} hands its arguments to the benchmark module as they are. */
class BenchmarkCommandTest {

    @Test
    void dashHIsTheHostNotHelp() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.commandLine().execute("benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port), "-n", "1");
        } finally {
            System.setErr(saved);
        }
        assertEquals(1, code);
        assertEquals("rkv benchmark: Could not connect to Redis at 127.0.0.1:" + port + ": Connection refused",
            err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void aWrongOptionIsExitCode1() {
        assertEquals(1, Main.commandLine().execute("benchmark", "-c", "many"));
    }

    @Test
    void helpIsTheBenchmarksUsage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.commandLine().execute("benchmark", "--help");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: rkv benchmark [OPTIONS]"));
    }
}
