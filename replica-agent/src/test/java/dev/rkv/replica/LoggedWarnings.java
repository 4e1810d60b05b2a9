package dev.rkv.replica;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The warnings one class logs while a test runs (System.Logger goes to java.util.logging here). */
final class LoggedWarnings extends Handler implements AutoCloseable {
    /** Held for the test's duration: java.util.logging keeps loggers only weakly, and a new one would have no handler. */
    private final Logger logger;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private LoggedWarnings(Logger logger) {
        this.logger = logger;
    }

    static LoggedWarnings of(Class<?> source) {
        LoggedWarnings w = new LoggedWarnings(Logger.getLogger(source.getName()));
        w.logger.addHandler(w);
        return w;
    }

    List<String> containing(String text) {
        return messages.stream().filter(m -> m.contains(text)).toList();
    }

    @Override
    public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
            messages.add(r.getMessage());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }

    @Override
    public String toString() {
        return messages.toString();
    }
}
