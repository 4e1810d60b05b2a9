package dev.rkv.kvserver.info;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The "name:value" fields of one INFO section, in output order. Putting a name that is already
 * there replaces its value in place, so a later contributor can refine an earlier one's field.
 */
public final class InfoFields {
    private final Map<String, String> fields = new LinkedHashMap<>();

    public InfoFields put(String name, Object value) {
        fields.put(name, String.valueOf(value));
        return this;
    }

    public InfoFields putAll(Map<String, ?> values) {
        values.forEach(this::put);
        return this;
    }

    /** Adds fields given as INFO text: "name:value" lines ended by CRLF or LF; other lines are ignored. */
    public InfoFields putLines(String text) {
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return this;
    }

    public InfoFields remove(String name) {
        fields.remove(name);
        return this;
    }

    /** Drops every field, for a contributor that replaces a section entirely. */
    public InfoFields clear() {
        fields.clear();
        return this;
    }

    public String get(String name) {
        return fields.get(name);
    }

    void appendTo(StringBuilder out) {
        for (Map.Entry<String, String> e : fields.entrySet()) {
            out.append(e.getKey()).append(':').append(e.getValue()).append("\r\n");
        }
    }

    /** Redis's bytesToHuman: 895.35K, 1.50M, 0B. */
    public static String human(long bytes) {
        double n = bytes;
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"K", "M", "G", "T", "P"};
        for (int i = 0; i < units.length; i++) {
            n /= 1024;
            if (n < 1024 || i == units.length - 1) {
                return String.format(Locale.ROOT, "%.2f%s", n, units[i]);
            }
        }
        throw new AssertionError("unreachable");
    }

    /** A ratio or percentage with two decimals, as Redis's "%.2f". */
    public static String twoDecimals(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
