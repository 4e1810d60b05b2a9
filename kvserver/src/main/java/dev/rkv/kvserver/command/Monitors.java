package dev.rkv.kvserver.command;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Clients in MONITOR mode and the feed they get: one status line per executed command, in
 * Redis's format {@code +1700000000.123456 [0 127.0.0.1:50000] "SET" "k" "v"}. Admin commands
 * and those flagged skip_monitor are not shown, and passwords are redacted, as in Redis. Owned by
 * the event loop thread.
 */
public final class Monitors {
    private final Set<Client> monitors = new LinkedHashSet<>();

    /** @return false when the client was already monitoring */
    public boolean add(Client c) {
        return monitors.add(c);
    }

    public void remove(Client c) {
        monitors.remove(c);
    }

    public boolean isMonitor(Client c) {
        return monitors.contains(c);
    }

    public boolean isEmpty() {
        return monitors.isEmpty();
    }

    /** Shows a command that {@code c} just ran to every monitor still connected. */
    void feed(ServerContext server, Client c, CommandSpec cmd, byte[][] argv) {
        if (monitors.isEmpty() || cmd.has(CommandFlag.ADMIN) || cmd.has(CommandFlag.SKIP_MONITOR)) {
            return;
        }
        String line = line(Instant.now(), c.dbIndex(), c.connection().peerAddress(), SecretArguments.redacted(cmd, argv));
        List<Client> gone = new ArrayList<>();
        for (Client m : monitors) {
            if (server.clients().byId(m.id()) != m) {
                gone.add(m);
                continue;
            }
            m.output().simple(line);
            m.connection().requestFlush();
        }
        gone.forEach(monitors::remove);
    }

    static String line(Instant when, int db, String addr, byte[][] argv) {
        StringBuilder b = new StringBuilder(64);
        b.append(when.getEpochSecond()).append('.');
        String micros = Long.toString(when.getNano() / 1000);
        b.append("000000", micros.length(), 6).append(micros);
        b.append(" [").append(db).append(' ').append(addr).append(']');
        for (byte[] arg : argv) {
            b.append(' ');
            quote(b, arg);
        }
        return b.toString();
    }

    /** Redis's sdscatrepr: a quoted string with C escapes and \xHH for other non-printable bytes. */
    static void quote(StringBuilder b, byte[] arg) {
        b.append('"');
        for (byte x : arg) {
            int ch = x & 0xff;
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 7 -> b.append("\\a");
                case 8 -> b.append("\\b");
                default -> {
                    if (ch >= 0x20 && ch < 0x7f) {
                        b.append((char) ch);
                    } else {
                        b.append("\\x").append(Character.forDigit(ch >> 4, 16)).append(Character.forDigit(ch & 15, 16));
                    }
                }
            }
        }
        b.append('"');
    }
}
