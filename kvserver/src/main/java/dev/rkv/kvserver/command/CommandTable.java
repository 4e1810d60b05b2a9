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
    /**
     * The same again, open-addressed by the case-folded hash of the name's bytes, so that the
     * lookup every request makes needs no lower-case copy and no String (linear probing, kept
     * at most a quarter full so a probe rarely goes past its first slot).
     */
    private byte[][] hashedNames = new byte[64][];
    private CommandSpec[] hashedSpecs = new CommandSpec[64];

    public CommandTable register(CommandSpec spec) {
        if (byName.putIfAbsent(spec.name(), spec) != null) {
            throw new IllegalStateException("command registered twice: " + spec.name());
        }
        sorted.put(spec.name(), spec);
        if (byName.size() * 4 > hashedSpecs.length) {
            rehash(hashedSpecs.length * 2);
        }
        insertHashed(spec);
        return this;
    }

    private void rehash(int capacity) {
        hashedNames = new byte[capacity][];
        hashedSpecs = new CommandSpec[capacity];
        for (CommandSpec s : byName.values()) {
            insertHashed(s);
        }
    }

    private void insertHashed(CommandSpec spec) {
        byte[] name = spec.name().getBytes(StandardCharsets.ISO_8859_1);
        int mask = hashedSpecs.length - 1;
        int i = foldedHash(name) & mask;
        while (hashedSpecs[i] != null) {
            if (hashedSpecs[i] == spec) {
                return;
            }
            i = (i + 1) & mask;
        }
        hashedNames[i] = name;
        hashedSpecs[i] = spec;
    }

    /** A hash of the name with ASCII letters folded to lower case (command names are ASCII). */
    private static int foldedHash(byte[] name) {
        int h = 0;
        for (byte b : name) {
            h = 31 * h + lower(b);
        }
        return h ^ (h >>> 16);
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    /** Whether {@code arg} equals the lower-case {@code name}, ignoring the ASCII case of {@code arg}. */
    private static boolean equalsFolded(byte[] arg, byte[] name) {
        if (arg.length != name.length) {
            return false;
        }
        for (int i = 0; i < arg.length; i++) {
            if (lower(arg[i]) != name[i]) {
                return false;
            }
        }
        return true;
    }

    public CommandSpec lookup(String lowerCaseName) {
        return byName.get(lowerCaseName);
    }

    /** Looks a command up by its raw name bytes, case-insensitively, without allocating. */
    public CommandSpec lookup(byte[] name) {
        if (name.length > 64) {
            return null;
        }
        int mask = hashedSpecs.length - 1;
        for (int i = foldedHash(name) & mask; hashedSpecs[i] != null; i = (i + 1) & mask) {
            if (equalsFolded(name, hashedNames[i])) {
                return hashedSpecs[i];
            }
        }
        return null;
    }

    public Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(sorted.values());
    }

    public int size() {
        return byName.size();
    }
}
