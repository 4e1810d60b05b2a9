package dev.rkv.kvserver.info;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sections INFO can print, in output order, and who fills them. Components that own a
 * concept (persistence, replication) contribute its section here instead of INFO knowing them.
 *
 * <p>Selection follows Redis 7.0: no argument or "default" gives the default sections, "all"
 * every declared section, "everything" the same (rkv has no modules); several names may be
 * given; unknown names select nothing. Owned by the event loop thread.
 */
public final class InfoRegistry {
    private final Map<String, Declared> sections = new LinkedHashMap<>();

    private static final class Declared {
        final String title;
        final boolean inDefault;
        final List<InfoSection> contributors = new ArrayList<>();

        Declared(String title, boolean inDefault) {
            this.title = title;
            this.inDefault = inDefault;
        }
    }

    /**
     * Declares a section at the end of the output order.
     *
     * @param title the header, as in "# Title"
     * @param inDefault whether INFO without arguments prints it
     */
    public InfoRegistry declare(String title, boolean inDefault) {
        String name = title.toLowerCase(Locale.ROOT);
        if (sections.putIfAbsent(name, new Declared(title, inDefault)) != null) {
            throw new IllegalStateException("INFO section declared twice: " + name);
        }
        return this;
    }

    /** Adds a contributor to a section; an undeclared section is declared first, outside the default set. */
    public InfoRegistry contribute(String name, InfoSection section) {
        String key = name.toLowerCase(Locale.ROOT);
        if (!sections.containsKey(key)) {
            declare(Character.toUpperCase(key.charAt(0)) + key.substring(1), false);
        }
        sections.get(key).contributors.add(section);
        return this;
    }

    public Set<String> names() {
        return new TreeSet<>(sections.keySet());
    }

    /** The fields of one section, or null when there is no such section. */
    public InfoFields fields(String name) {
        Declared d = sections.get(name.toLowerCase(Locale.ROOT));
        if (d == null) {
            return null;
        }
        InfoFields f = new InfoFields();
        for (InfoSection s : d.contributors) {
            s.write(f);
        }
        return f;
    }

    /** INFO's text for the requested section names (empty: the default sections). */
    public String render(Collection<String> requested) {
        boolean all = false;
        boolean defaults = requested.isEmpty();
        Set<String> named = new TreeSet<>();
        for (String r : requested) {
            String n = r.toLowerCase(Locale.ROOT);
            switch (n) {
                case "all", "everything" -> all = true;
                case "default" -> defaults = true;
                default -> named.add(n);
            }
        }
        StringBuilder out = new StringBuilder(4096);
        for (Map.Entry<String, Declared> e : sections.entrySet()) {
            Declared d = e.getValue();
            if (!(all || (defaults && d.inDefault) || named.contains(e.getKey()))) {
                continue;
            }
            if (out.length() > 0) {
                out.append("\r\n");
            }
            out.append("# ").append(d.title).append("\r\n");
            fields(e.getKey()).appendTo(out);
        }
        return out.toString();
    }
}
