package dev.rkv.cli;

import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * What {@code rkv demo} loads: KEYS keys spread round robin over the chosen types, each key's
 * name, type and contents a pure function of its number, so the loader, the latency probe and
 * the summary agree without sharing state.
 *
 * <p>A string holds VALUE_SIZE bytes, as the demo always did. A collection holds elements of
 * ELEMENT_SIZE bytes and carries about VALUE_SIZE bytes on average, so {@code --keys} and
 * {@code --value-size} govern the data volume whatever the types. The size mix is the one real
 * datasets show: most collections are small (1 to A elements, A = VALUE_SIZE / ELEMENT_SIZE;
 * with the defaults, 62 elements of 16 bytes, which Redis keeps as a listpack), and one in
 * {@value #LARGE_EVERY} of each type is large, with {@value #LARGE_FACTOR}·A elements (15,500 with
 * the defaults) up to {@value #MAX_LARGE_ELEMENTS}. The large ones hold about half of the collection bytes.
 */
final class DemoDataset {
    /** The types the demo can load, in the order keys are dealt to them. */
    enum Type {
        STRING("key", Protocol.Command.SET, Protocol.Command.GET),
        HASH("hash", Protocol.Command.HSET, Protocol.Command.HGET),
        LIST("list", Protocol.Command.RPUSH, Protocol.Command.LINDEX),
        SET("set", Protocol.Command.SADD, Protocol.Command.SISMEMBER),
        ZSET("zset", Protocol.Command.ZADD, Protocol.Command.ZSCORE);

        /** Key name prefix; strings keep {@code key:} so the default dataset is the one the demo always loaded. */
        final String prefix;
        /** What creates the key and what the latency probe reads it with. */
        final Protocol.Command write;
        final Protocol.Command read;

        Type(String prefix, Protocol.Command write, Protocol.Command read) {
            this.prefix = prefix;
            this.write = write;
            this.read = read;
        }

        String typeName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Type parse(String name) {
            for (Type t : values()) {
                if (t.typeName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
            throw new IllegalArgumentException("--types takes string, hash, list, set and zset, was '" + name.trim() + "'");
        }
    }

    /** One collection in this many of each type is large. */
    static final int LARGE_EVERY = 500;
    /** A large collection holds this many times the average element count ... */
    static final int LARGE_FACTOR = 250;
    /** ... and at most this many elements, so odd option pairs (1 MB values of 1-byte elements) stay loadable. */
    static final int MAX_LARGE_ELEMENTS = 1_000_000;
    /** Elements per command when loading a collection: variadic commands keep the pipeline short. */
    private static final int ELEMENTS_PER_COMMAND = 100;
    /** Replies are collected after this many bytes were sent, as the string loader does every 2,000 SETs of 1 KB. */
    private static final long SYNC_EVERY_BYTES = 2_000_000;

    private final long keys;
    private final int valueSize;
    private final int elementSize;
    private final Type[] types;
    private final int averageElements;
    /** Random letters that values and elements are cut from: loading should cost the server, not the generator. */
    private final byte[] filler;

    DemoDataset(long keys, int valueSize, int elementSize, EnumSet<Type> types) {
        if (types.isEmpty()) {
            throw new IllegalArgumentException("--types names no type");
        }
        this.keys = keys;
        this.valueSize = valueSize;
        this.elementSize = elementSize;
        this.types = types.toArray(new Type[0]);
        this.averageElements = Math.max(1, valueSize / elementSize);
        this.filler = new byte[Math.max(valueSize, elementSize) + 64];
        SplittableRandom rnd = new SplittableRandom(937);
        byte[] alphabet = "abcdefghijklmnopqrstuvwxyz0123456789".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < filler.length; i++) {
            filler[i] = alphabet[rnd.nextInt(alphabet.length)];
        }
    }

    /** Parses a --types list ("string,hash"); the order given does not matter, duplicates are refused. */
    static EnumSet<Type> parseTypes(List<String> names) {
        EnumSet<Type> out = EnumSet.noneOf(Type.class);
        for (String n : names) {
            if (!out.add(Type.parse(n))) {
                throw new IllegalArgumentException("--types names " + n.trim() + " twice");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--types names no type");
        }
        return out;
    }

    long keys() {
        return keys;
    }

    int valueSize() {
        return valueSize;
    }

    int elementSize() {
        return elementSize;
    }

    boolean stringsOnly() {
        return types.length == 1 && types[0] == Type.STRING;
    }

    Type typeOf(long i) {
        return types[(int) (i % types.length)];
    }

    byte[] key(long i) {
        return String.format(Locale.ROOT, "%s:%012d", typeOf(i).prefix, i).getBytes(StandardCharsets.US_ASCII);
    }

    /** Keys of type {@code t}. */
    long count(Type t) {
        int at = Arrays.asList(types).indexOf(t);
        if (at < 0) {
            return 0;
        }
        return keys / types.length + (at < keys % types.length ? 1 : 0);
    }

    /** Elements of collection key {@code i}: a few for most, many for one in {@link #LARGE_EVERY} of its type. */
    int elementsOf(long i) {
        long ordinalInType = i / types.length;
        if (ordinalInType % LARGE_EVERY == 0) {
            return largeElements();
        }
        // A per-key generator keeps each key's size independent of which keys came before it.
        return 1 + new SplittableRandom(i * 0x9E3779B97F4A7C15L).nextInt(averageElements);
    }

    private int largeElements() {
        return (int) Math.min(MAX_LARGE_ELEMENTS, (long) LARGE_FACTOR * averageElements);
    }

    boolean isLarge(long i) {
        return typeOf(i) != Type.STRING && (i / types.length) % LARGE_EVERY == 0;
    }

    /**
     * Element {@code j}: its number, then filler up to ELEMENT_SIZE bytes. The number keeps set and
     * sorted-set members distinct, so an element is longer than ELEMENT_SIZE when its number is.
     */
    byte[] element(int j) {
        byte[] number = (j + ":").getBytes(StandardCharsets.US_ASCII);
        int length = Math.max(number.length, elementSize);
        byte[] e = Arrays.copyOfRange(filler, j % 64, j % 64 + length);
        System.arraycopy(number, 0, e, 0, number.length);
        return e;
    }

    /** The field name of hash element {@code j} (its value is {@link #element}). */
    static byte[] field(int j) {
        return ("f" + j).getBytes(StandardCharsets.US_ASCII);
    }

    /** The score of sorted-set element {@code j}: its number, so members sort as they were numbered. */
    static byte[] score(int j) {
        return Integer.toString(j).getBytes(StandardCharsets.US_ASCII);
    }

    byte[] stringValue(long i) {
        int off = (int) (i % 64);
        return Arrays.copyOfRange(filler, off, off + valueSize);
    }

    /**
     * Queues the commands that create key {@code i}; returns the bytes queued, so the caller knows
     * when to collect replies. Collections go in variadic commands of up to 100 elements.
     */
    long write(Pipeline p, long i) {
        byte[] k = key(i);
        Type t = typeOf(i);
        if (t == Type.STRING) {
            p.set(k, stringValue(i));
            return k.length + valueSize;
        }
        int n = elementsOf(i);
        long bytes = 0;
        for (int from = 0; from < n; from += ELEMENTS_PER_COMMAND) {
            int to = Math.min(n, from + ELEMENTS_PER_COMMAND);
            boolean pairs = t == Type.HASH || t == Type.ZSET;
            byte[][] args = new byte[1 + (pairs ? 2 : 1) * (to - from)][];
            int a = 0;
            args[a++] = k;
            for (int j = from; j < to; j++) {
                byte[] e = element(j);
                if (t == Type.HASH) {
                    args[a++] = field(j);
                } else if (t == Type.ZSET) {
                    args[a++] = score(j);
                }
                args[a++] = e;
                bytes += e.length;
            }
            p.sendCommand(t.write, args);
        }
        return bytes + k.length;
    }

    static long syncEveryBytes() {
        return SYNC_EVERY_BYTES;
    }

    /** One command with its arguments. */
    record Command(ProtocolCommand name, byte[]... args) {
    }

    /**
     * A read of key {@code i} that fits its type and touches one element: GET, HGET, LINDEX,
     * SISMEMBER or ZSCORE (the latency probe's command).
     */
    Command read(long i) {
        byte[] k = key(i);
        return switch (typeOf(i)) {
            case STRING -> new Command(Type.STRING.read, k);
            case HASH -> new Command(Type.HASH.read, k, field(0));
            case LIST -> new Command(Type.LIST.read, k, "0".getBytes(StandardCharsets.US_ASCII));
            case SET -> new Command(Type.SET.read, k, element(0));
            case ZSET -> new Command(Type.ZSET.read, k, element(0));
        };
    }

    /** The probe's commands for these types, for the summary: "GET" or "GET/HGET/LINDEX/SISMEMBER/ZSCORE". */
    String readCommands() {
        List<String> names = new ArrayList<>();
        for (Type t : types) {
            names.add(t.read.name());
        }
        return String.join("/", names);
    }

    /** Keys per type name, as {@link KeyTypeCounts} reports a server's. */
    Map<String, Long> expectedCounts() {
        Map<String, Long> out = new TreeMap<>();
        for (Type t : types) {
            if (count(t) > 0) {
                out.put(t.typeName(), count(t));
            }
        }
        return out;
    }

    /** "string:20000,hash:20000": the RESULT line's per-type key counts, in the order keys are dealt. */
    String countsField() {
        List<String> parts = new ArrayList<>();
        for (Type t : types) {
            parts.add(t.typeName() + ":" + count(t));
        }
        return String.join(",", parts);
    }
}
