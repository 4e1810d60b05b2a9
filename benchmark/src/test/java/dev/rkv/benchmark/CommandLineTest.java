package dev.rkv.benchmark;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user sees for a wrong command line: one line on stderr, exit code 1, never a stack trace. */
class CommandLineTest {

    @Test
    void aWrongOptionIsOneLineAndExitCode1() {
        assertOneLineError("rkv benchmark: -c abc: not a number", "-c", "abc");
        assertOneLineError("rkv benchmark: unknown option -k (rkv benchmark --help lists the options)", "-k", "1");
        assertOneLineError("rkv benchmark: -P needs a value", "-t", "get", "-P");
    }

    @Test
    void anUnknownTestIsOneLineAndExitCode1() {
        Run r = Run.of("-t", "gte");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("rkv benchmark: -t: no test is named 'gte'; the names are ping_inline,"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aClosedRdmaPortIsOneLineAndExitCode1() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = Run.of("-p", Integer.toString(port), "--rdma", "--provider", "shm", "-n", "10");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("rkv benchmark: Could not connect to Redis at 127.0.0.1:" + port
            + ": RDMA connect to 127.0.0.1:" + port + " (shm): "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aClosedPortIsOneLineAndExitCode1() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertOneLineError("rkv benchmark: Could not connect to Redis at 127.0.0.1:" + port + ": Connection refused",
            "-p", Integer.toString(port), "-n", "10");
    }

    @Test
    void requestBuffersAreBounded() {
        assertOneLineError("rkv benchmark: -c 10000 -P 1000000: SET needs 30000000000000 bytes of request buffers "
            + "(3000000000 per client); at most 1073741824", "-c", "10000", "-P", "1000000", "-t", "set", "-d", "2955");
    }

    @Test
    void helpIsTheUsageAndExitCode0() {
        Run r = Run.of("--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("Usage: rkv benchmark [OPTIONS] [COMMAND ARGS...]"), r.out());
        assertTrue(r.out().contains(" -h <hostname>      Server hostname (default 127.0.0.1)"), r.out());
        assertEquals("", r.err());
    }

    private static void assertOneLineError(String line, String... args) {
        Run r = Run.of(args);
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(line + System.lineSeparator(), r.err(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }
}
