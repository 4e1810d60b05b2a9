package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Client;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The replies of the HELP subcommands: an array of status lines, as Redis's addReplyHelp. */
final class Help {
    private Help() {
    }

    static void reply(Client c, List<String> lines) {
        c.out().array(lines.size());
        for (String line : lines) {
            c.out().simple(line);
        }
    }

    /** An argument as text for an error message, byte for byte (ISO-8859-1), at most 128 characters. */
    static String ascii(byte[] arg) {
        String s = new String(arg, StandardCharsets.ISO_8859_1);
        return s.length() <= 128 ? s : s.substring(0, 128);
    }
}
