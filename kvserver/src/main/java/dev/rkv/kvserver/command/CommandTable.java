package dev.rkv.kvserver.command;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Every command the server knows, by lower-case name. Built once at start, read-only after. */
public final class CommandTable {
    /** Looked up for every command executed: hashed, not a sorted tree. */
    private final Map<String, CommandSpec> byName = new HashMap<>();
    /** The same, in name order, for COMMAND's listings. */
    private final Map<String, CommandSpec> sorted = new TreeMap<>();

    public CommandTable register(CommandSpec spec) {
        if (byName.putIfAbsent(spec.name(), spec) != null) {
            throw new IllegalStateException("command registered twice: " + spec.name());
        }
        sorted.put(spec.name(), spec);
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
        byte[] lower = null;
        for (int i = 0; i < name.length; i++) {
            byte b = name[i];
            if (b >= 'A' && b <= 'Z') {
                if (lower == null) {
                    lower = name.clone();
                }
                lower[i] = (byte) (b + ('a' - 'A'));
            }
        }
        return byName.get(new String(lower == null ? name : lower, StandardCharsets.ISO_8859_1));
    }

    public Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(sorted.values());
    }

    public int size() {
        return byName.size();
    }
}
