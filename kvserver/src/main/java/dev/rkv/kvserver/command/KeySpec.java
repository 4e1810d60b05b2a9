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
 * <p>A "keynum" spec (LMPOP, ZUNION ...) instead reads how many keys there are from the argument
 * {@code keynumIdx} past {@code index}, and takes them from {@code firstKey} past it.
 *
 * @param notes free text Redis shows with the spec, or null
 * <p>An "unknown" spec (SORT's BY/GET patterns and its STORE keyword) has no search Redis can
 * describe: COMMAND INFO shows it as type unknown, and {@code finder} (or nothing) says where
 * its keys are in one actual command, as Redis's per-command getkeys functions do.
 *
 * @param resolver the flags of the keys of one actual command, for specs flagged
 *     "variable_flags" (SET's key is only read with GET); null when they are always {@code flags}
 * @param finder for an unknown spec, the positions of its keys in a command; null otherwise
 */
public record KeySpec(String notes, List<String> flags, int index, int lastKey, int keyStep,
                      Function<byte[][], List<String>> resolver, int keynumIdx, int firstKey,
                      Function<byte[][], List<Integer>> finder) {
    public KeySpec {
        flags = List.copyOf(flags);
    }

    /** Keys from argument {@code index} up to {@code lastKey} past it (negative: from the end), step {@code keyStep}. */
    public static KeySpec range(int index, int lastKey, int keyStep, String... flags) {
        return new KeySpec(null, List.of(flags), index, lastKey, keyStep, null, -1, 0, null);
    }

    /**
     * As many keys as argument {@code index + keynumIdx} says, from {@code index + firstKey} on,
     * every {@code keyStep}-th (Redis's "keynum" find_keys: LMPOP, ZUNIONSTORE ...).
     */
    public static KeySpec keynum(int index, int keynumIdx, int firstKey, int keyStep, String... flags) {
        return new KeySpec(null, List.of(flags), index, 0, keyStep, null, keynumIdx, firstKey, null);
    }

    /** Keys no search can describe; {@code finder} gives their positions in a command (null: none are reported). */
    public static KeySpec unknown(String notes, Function<byte[][], List<Integer>> finder, String... flags) {
        return new KeySpec(notes, List.of(flags), -1, 0, 0, null, -1, 0, finder == null ? argv -> List.of() : finder);
    }

    /** Whether COMMAND INFO shows this spec's search as "unknown". */
    public boolean isUnknown() {
        return finder != null;
    }

    /** Whether the number of keys comes from an argument (the command has "movablekeys"). */
    public boolean isKeynum() {
        return keynumIdx >= 0;
    }

    /** The single key at argument {@code index}. */
    public static KeySpec single(int index, String... flags) {
        return range(index, 0, 1, flags);
    }

    public KeySpec withNotes(String text) {
        return new KeySpec(text, flags, index, lastKey, keyStep, resolver, keynumIdx, firstKey, finder);
    }

    /** The flags of the keys of {@code argv} are what {@code byArgs} says, rather than {@code flags}. */
    public KeySpec withFlagsResolvedBy(Function<byte[][], List<String>> byArgs) {
        return new KeySpec(notes, flags, index, lastKey, keyStep, byArgs, keynumIdx, firstKey, finder);
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
     * The argument positions this spec picks out of a command's arguments (name included); none
     * when they do not fit, as for a variadic command given too few or a count that is no number.
     */
    public List<Integer> positions(byte[][] argv) {
        if (finder != null) {
            return finder.apply(argv);
        }
        int argc = argv.length;
        List<Integer> out = new ArrayList<>();
        if (isKeynum()) {
            int at = index + keynumIdx;
            if (at >= argc) {
                return out;
            }
            Long n = dev.rkv.kvserver.util.Numbers.parseLongStrict(argv[at]);
            if (n == null || n < 1) {
                return out;
            }
            long last = index + firstKey + (n - 1) * Math.max(1, keyStep);
            if (last >= argc) {
                return out;
            }
            for (long i = index + firstKey; i <= last; i += Math.max(1, keyStep)) {
                out.add((int) i);
            }
            return out;
        }
        int last = lastKey >= 0 ? index + lastKey : argc + lastKey;
        if (index >= argc || last >= argc || last < index) {
            return out;
        }
        for (int i = index; i <= last; i += Math.max(1, keyStep)) {
            out.add(i);
        }
        return out;
    }
}
