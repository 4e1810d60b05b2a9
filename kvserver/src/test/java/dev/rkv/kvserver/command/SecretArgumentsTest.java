package dev.rkv.kvserver.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Which arguments MONITOR hides, as redis-server 7.0 shows them (MIGRATE: rkv has no such command yet). */
class SecretArgumentsTest {
    private static String shown(String name, String line) {
        CommandSpec spec = CommandSpec.command(name, -1).handler((c, argv) -> { }).build();
        byte[][] argv = Arrays.stream(line.split(" ")).map(s -> s.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
        return String.join(" ", Arrays.stream(SecretArguments.redacted(spec, argv))
            .map(b -> new String(b, StandardCharsets.US_ASCII)).toList());
    }

    @Test
    void migratePasswordsAreHiddenButKeysAreNot() {
        assertEquals("MIGRATE h 1 k 0 10 AUTH (redacted)", shown("migrate", "MIGRATE h 1 k 0 10 AUTH pw"));
        assertEquals("MIGRATE h 1 x 0 10 COPY AUTH2 (redacted) (redacted) KEYS a auth",
            shown("migrate", "MIGRATE h 1 x 0 10 COPY AUTH2 u p KEYS a auth"));
        assertEquals("MIGRATE h 1 k 0 10 AUTH", shown("migrate", "MIGRATE h 1 k 0 10 AUTH"));
    }

    @Test
    void authAndHelloAuthAreHidden() {
        assertEquals("AUTH (redacted) (redacted)", shown("auth", "AUTH user pw"));
        assertEquals("HELLO 3 AUTH (redacted) (redacted) SETNAME auth", shown("hello", "HELLO 3 AUTH u p SETNAME auth"));
        assertEquals("HELLO 3 SETNAME auth", shown("hello", "HELLO 3 SETNAME auth"));
    }

    @Test
    void otherCommandsAreShownAsTheyAre() {
        CommandSpec set = CommandSpec.command("set", -3).handler((c, argv) -> { }).build();
        byte[][] argv = {"SET".getBytes(StandardCharsets.US_ASCII), "auth".getBytes(StandardCharsets.US_ASCII)};
        assertSame(argv, SecretArguments.redacted(set, argv));
    }
}
