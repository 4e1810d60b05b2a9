package dev.rkv.kvserver.config;

import java.util.ArrayList;
import java.util.List;

/** The "save" option: snapshot after {@code seconds} if at least {@code changes} writes happened. */
public record SavePoints(List<Point> points) {
    /** One "seconds changes" pair. */
    public record Point(long seconds, long changes) {
    }

    public static SavePoints parse(String raw) throws ConfigException {
        String t = raw.trim();
        if (t.isEmpty() || t.equals("\"\"")) {
            return new SavePoints(List.of());
        }
        String[] w = t.split("\\s+");
        if (w.length % 2 != 0) {
            throw new ConfigException("Invalid save parameters");
        }
        List<Point> ps = new ArrayList<>();
        for (int i = 0; i < w.length; i += 2) {
            try {
                long s = Long.parseLong(w[i]);
                long c = Long.parseLong(w[i + 1]);
                if (s < 1 || c < 0) {
                    throw new ConfigException("Invalid save parameters");
                }
                ps.add(new Point(s, c));
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid save parameters");
            }
        }
        return new SavePoints(List.copyOf(ps));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Point p : points) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(p.seconds).append(' ').append(p.changes);
        }
        return b.toString();
    }
}
