package dev.rkv.kvserver.config;

import java.util.ArrayList;
import java.util.List;

/** Splits and quotes redis.conf lines: words separated by spaces, "double" or 'single' quoted. */
final class ConfigLine {
    private ConfigLine() {
    }

    /** The words of a line, or null when a quote is not closed. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            StringBuilder w = new StringBuilder();
            char q = line.charAt(i);
            if (q == '"' || q == '\'') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == '\\' && q == '"' && i < n) {
                        char e = line.charAt(i++);
                        w.append(switch (e) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            default -> e;
                        });
                    } else if (c == q) {
                        closed = true;
                        break;
                    } else {
                        w.append(c);
                    }
                }
                if (!closed) {
                    return null;
                }
            } else {
                while (i < n && !Character.isWhitespace(line.charAt(i))) {
                    w.append(line.charAt(i++));
                }
            }
            out.add(w.toString());
        }
        return out;
    }

    /** The value as one argument of a line that {@link #split} reads back as exactly this value. */
    static String quote(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(c -> c == '"' || c == '\'' || c == '\\' || c <= ' ' || c == '#')) {
            return value;
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"', '\\' -> b.append('\\').append(c);
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
