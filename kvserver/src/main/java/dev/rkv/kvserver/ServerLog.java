package dev.rkv.kvserver;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Redis-style log lines ("pid:M 21 Nov 2026 21:50:00.123 * message"), with loglevel and logfile. */
public final class ServerLog {
    /** Log levels, least to most severe. */
    public enum Level { DEBUG('.'), VERBOSE('-'), NOTICE('*'), WARNING('#');
        final char mark;

        Level(char mark) {
            this.mark = mark;
        }
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ROOT);
    private final PrintStream out;
    private final long pid = ProcessHandle.current().pid();
    private volatile Level threshold;

    public ServerLog(String level, String logfile) throws IOException {
        this.threshold = parse(level);
        this.out = logfile == null || logfile.isEmpty()
            ? System.out
            : new PrintStream(new FileOutputStream(logfile, true), true, StandardCharsets.UTF_8);
    }

    static Level parse(String level) {
        return switch (level) {
            case "debug" -> Level.DEBUG;
            case "verbose" -> Level.VERBOSE;
            case "warning", "nothing" -> Level.WARNING;
            default -> Level.NOTICE;
        };
    }

    public void level(String level) {
        threshold = parse(level);
    }

    public void log(Level level, String message) {
        if (level.ordinal() >= threshold.ordinal()) {
            out.println(pid + ":M " + LocalDateTime.now().format(TIME) + " " + level.mark + " " + message);
        }
    }

    public void notice(String message) {
        log(Level.NOTICE, message);
    }

    public void warning(String message) {
        log(Level.WARNING, message);
    }

    public void verbose(String message) {
        log(Level.VERBOSE, message);
    }
}
