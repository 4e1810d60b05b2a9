package dev.rkv.kvserver.command;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One of a command's key specs as Redis 7.0 reports them in COMMAND INFO: the search for keys
 * begins at argument {@code index} and takes a range from there ({@code lastKey} arguments past
 * it, or up to the last argument when -1, the one before when -2 ...; every {@code keyStep}-th),
 * and the keys found get {@code flags} ("RW", "access", "update" ...). A command whose keys have
 * different access (COPY's source is read, its destination overwritten) has one spec per key.
 *
 * @param notes free text Redis shows with the spec, or null
 * @param resolver the flags of the keys of one actual command, for specs flagged
 *     "variable_flags" (SET's key is only read with GET); null when they are always {@code flags}
 */
public record KeySpec(String notes, List<String> flags, int index, int lastKey, int keyStep,
                      Function<byte[][], List<String>> resolver) {
    public KeySpec {
        flags = List.copyOf(flags);
    }

    /** Keys from argument {@code index} up to {@code lastKey} past it (negative: from the end), step {@code keyStep}. */
    public static KeySpec range(int index, int lastKey, int keyStep, String... flags) {
        return new KeySpec(null, List.of(flags), index, lastKey, keyStep, null);
    }

    /** The single key at argument {@code index}. */
    public static KeySpec single(int index, String... flags) {
        return range(index, 0, 1, flags);
    }

    public KeySpec withNotes(String text) {
        return new KeySpec(text, flags, index, lastKey, keyStep, resolver);
    }

    /** The flags of the keys of {@code argv} are what {@code byArgs} says, rather than {@code flags}. */
    public KeySpec withFlagsResolvedBy(Function<byte[][], List<String>> byArgs) {
        return new KeySpec(notes, flags, index, lastKey, keyStep, byArgs);
    }

    /** The flags COMMAND GETKEYSANDFLAGS reports for this spec's keys in {@code argv}. */
    public List<String> flagsFor(byte[][] argv) {
        return resolver == null ? flags : resolver.apply(argv);
    }

    /** Channels rather than keys (SPUBLISH): reported, but never returned as keys. */
    public boolean notKey() {
        return flags.contains("not_key");
    }

    /**
     * The argument positions this spec picks out of a command of {@code argc} arguments (name
     * included); none when the range does not fit, as for a variadic command given too few.
     */
    public List<Integer> positions(int argc) {
        int last = lastKey >= 0 ? index + lastKey : argc + lastKey;
        List<Integer> out = new ArrayList<>();
        if (index >= argc || last >= argc || last < index) {
            return out;
        }
        for (int i = index; i <= last; i += Math.max(1, keyStep)) {
            out.add(i);
        }
        return out;
    }
}
