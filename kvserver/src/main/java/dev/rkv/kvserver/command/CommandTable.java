package dev.rkv.kvserver.command;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Every command the server knows, by lower-case name. Built once at start, read-only after. */
public final class CommandTable {
    private final Map<String, CommandSpec> byName = new TreeMap<>();

    public CommandTable register(CommandSpec spec) {
        if (byName.putIfAbsent(spec.name(), spec) != null) {
            throw new IllegalStateException("command registered twice: " + spec.name());
        }
        return this;
    }

    public CommandSpec lookup(String lowerCaseName) {
        return byName.get(lowerCaseName);
    }

    /** Looks a command up by its raw name bytes, case-insensitively. */
    public CommandSpec lookup(byte[] name) {
        if (name.length > 64) {
            return null;
        }
        return byName.get(new String(name, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
    }

    public Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    public int size() {
        return byName.size();
    }
}
