package dev.rkv.kvserver.command;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The arguments that carry passwords (AUTH, HELLO ... AUTH, MIGRATE ... AUTH/AUTH2), replaced by
 * "(redacted)" wherever a command line is shown to someone else (MONITOR), as Redis 7.0 does.
 */
final class SecretArguments {
    private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

    private SecretArguments() {
    }

    /** {@code argv} itself when it holds no secret, else a copy with the secrets replaced. */
    static byte[][] redacted(CommandSpec cmd, byte[][] argv) {
        return switch (cmd.name()) {
            case "auth" -> redactRange(argv, 1, argv.length);
            case "hello" -> redactHello(argv);
            case "migrate" -> redactMigrate(argv);
            default -> argv;
        };
    }

    // HELLO [protover [AUTH username password] [SETNAME clientname]]
    private static byte[][] redactHello(byte[][] argv) {
        byte[][] out = argv;
        for (int i = 2; i < argv.length; i++) {
            String option = lower(argv[i]);
            if (option.equals("auth") && i + 2 < argv.length) {
                out = redactRange(out, i + 1, i + 3);
                i += 2;
            } else if (option.equals("setname") && i + 1 < argv.length) {
                i++;
            }
        }
        return out;
    }

    // MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH password | AUTH2 username password] [KEYS key ...]
    private static byte[][] redactMigrate(byte[][] argv) {
        byte[][] out = argv;
        for (int i = 6; i < argv.length; i++) {
            String option = lower(argv[i]);
            if (option.equals("keys")) {
                break;
            }
            if (option.equals("auth") && i + 1 < argv.length) {
                out = redactRange(out, i + 1, i + 2);
                i++;
            } else if (option.equals("auth2") && i + 2 < argv.length) {
                out = redactRange(out, i + 1, i + 3);
                i += 2;
            }
        }
        return out;
    }

    private static byte[][] redactRange(byte[][] argv, int from, int to) {
        if (from >= to) {
            return argv;
        }
        byte[][] copy = argv.clone();
        for (int i = from; i < to; i++) {
            copy[i] = REDACTED;
        }
        return copy;
    }

    private static String lower(byte[] arg) {
        return new String(arg, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    }
}
