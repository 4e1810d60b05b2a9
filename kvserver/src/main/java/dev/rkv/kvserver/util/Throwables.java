package dev.rkv.kvserver.util;

import java.io.PrintWriter;
import java.io.StringWriter;

/** A throwable as the log shows it: its stack, so that a failure in the field can be found. */
public final class Throwables {
    private Throwables() {
    }

    public static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString().stripTrailing();
    }
}
