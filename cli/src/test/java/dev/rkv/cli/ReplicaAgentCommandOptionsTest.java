package dev.rkv.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The primary agent's options on {@code rkv replica-agent}: refused without {@code --primary-agent}, checked with it. */
class ReplicaAgentCommandOptionsTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs {@code rkv replica-agent args} with System.err captured (the command reports there); every case stops before a server starts. */
    private int run(String... args) {
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            String[] full = new String[args.length + 1];
            full[0] = "replica-agent";
            System.arraycopy(args, 0, full, 1, args.length);
            return Main.commandLine().execute(full);
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void anAgentOptionWithoutPrimaryAgentIsRefused() {
        assertEquals(2, run("--agent-port", "7000", "--port", "0"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--agent-port is a primary agent's option: add --primary-agent"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theHeadroomIsCheckedWithPrimaryAgent() {
        assertEquals(2, run("--primary-agent", "--headroom", "9", "--port", "0"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("rkv replica-agent: "), err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains("headroom"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsThePrimaryAgentOption() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("replica-agent", "--help"));
        assertTrue(out.toString().contains("--primary-agent"), out.toString());
        assertTrue(out.toString().contains("--agent-port"), out.toString());
    }
}
