package dev.rkv.rdma;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reports which RDMA providers can run on this machine and why not. {@code rkv doctor}
 * prints {@link #report()}; {@link #main} does the same standalone.
 */
public final class Doctor {

    /** One provider's verdict. */
    public record Line(String provider, boolean available, String detail) {
        @Override
        public String toString() {
            return String.format("%-6s %-13s %s", provider, available ? "available" : "unavailable", detail);
        }
    }

    private Doctor() {
    }

    /** One line per built-in provider, in {@link Providers#all()} order. */
    public static List<Line> report() {
        List<Line> lines = new ArrayList<>();
        for (RdmaProvider p : Providers.all()) {
            RdmaProvider.Availability a = p.availability();
            lines.add(new Line(p.name(), a.available(), a.detail()));
        }
        return lines;
    }

    /** Prints the report; returns the number of available providers. */
    public static int print(PrintStream out) {
        int n = 0;
        for (Line l : report()) {
            out.println(l);
            if (l.available()) {
                n++;
            }
        }
        return n;
    }

    public static void main(String[] args) {
        print(System.out);
    }
}
