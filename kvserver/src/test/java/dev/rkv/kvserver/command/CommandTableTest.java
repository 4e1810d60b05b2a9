package dev.rkv.kvserver.command;

import dev.rkv.kvserver.commands.Commands;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The byte lookup every request makes agrees with the by-name one, whatever the case. */
class CommandTableTest {
    private final CommandTable table = Commands.table();

    @Test
    void everyCommandIsFoundByItsNameInAnyCase() {
        for (CommandSpec spec : table.all()) {
            String name = spec.name();
            assertSame(spec, table.lookup(bytes(name)), name);
            assertSame(spec, table.lookup(bytes(name.toUpperCase(Locale.ROOT))), name);
            assertSame(spec, table.lookup(bytes(mixed(name))), name);
            assertSame(spec, table.lookup(name), name);
        }
    }

    @Test
    void unknownNamesAreNotFound() {
        assertNull(table.lookup(bytes("gett")));
        assertNull(table.lookup(bytes("ge")));
        assertNull(table.lookup(bytes("")));
        assertNull(table.lookup(bytes("g\u00c9t")));
        // Latin-1 bytes are not ASCII letters: only A-Z fold, as Redis's strcasecmp in the C locale
        assertNull(table.lookup("g\u00c9t".getBytes(StandardCharsets.ISO_8859_1)));
        assertNull(table.lookup(new byte[] {'g', 'e', 't', 0}));
        assertNull(table.lookup(bytes("get".repeat(30))));
    }

    @Test
    void aTableOfManyNamesKeepsThemAllReachable() {
        CommandTable t = new CommandTable();
        for (int i = 0; i < 1000; i++) {
            t.register(CommandSpec.command("c" + i, 1).handler((c, argv) -> { }).build());
        }
        assertEquals(1000, t.size());
        for (int i = 0; i < 1000; i++) {
            CommandSpec s = t.lookup(bytes("C" + i));
            assertNotNull(s, "c" + i);
            assertEquals("c" + i, s.name());
        }
        assertNull(t.lookup(bytes("c1000")));
    }

    private static String mixed(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            b.append(i % 2 == 0 ? Character.toUpperCase(ch) : ch);
        }
        return b.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
