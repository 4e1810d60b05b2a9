package dev.rkv.kvserver.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration option: its Redis name, how a value is parsed and printed, its default,
 * and whether CONFIG SET may change it at runtime.
 */
public final class ConfigOption {
    /** Parses a raw value into the option's typed value or throws with Redis's reason. */
    @FunctionalInterface
    public interface Parser {
        Object parse(String raw) throws ConfigException;
    }

    private final String name;
    private final String defaultValue;
    private final boolean mutable;
    private final Parser parser;
    private final Function<Object, String> printer;
    private final boolean protectedConfig;

    ConfigOption(String name, String defaultValue, boolean mutable, Parser parser, Function<Object, String> printer) {
        this(name, defaultValue, mutable, parser, printer, false);
    }

    private ConfigOption(String name, String defaultValue, boolean mutable, Parser parser, Function<Object, String> printer,
                         boolean protectedConfig) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.mutable = mutable;
        this.parser = parser;
        this.printer = printer;
        this.protectedConfig = protectedConfig;
    }

    /**
     * The same option, marked protected as Redis 7.0 marks {@code dir} and {@code dbfilename}:
     * CONFIG SET may change it only when {@code enable-protected-configs} allows (a client that
     * can point the RDB file anywhere can write files anywhere the server may).
     */
    ConfigOption protectedConfig() {
        return new ConfigOption(name, defaultValue, mutable, parser, printer, true);
    }

    public boolean isProtected() {
        return protectedConfig;
    }

    public String name() {
        return name;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public boolean mutable() {
        return mutable;
    }

    Object parse(String raw) throws ConfigException {
        return parser.parse(raw);
    }

    String print(Object value) {
        return printer.apply(value);
    }

    static ConfigOption bool(String name, boolean def, boolean mutable) {
        return new ConfigOption(name, def ? "yes" : "no", mutable, raw -> {
            String v = raw.toLowerCase(Locale.ROOT);
            if (v.equals("yes")) {
                return Boolean.TRUE;
            }
            if (v.equals("no")) {
                return Boolean.FALSE;
            }
            throw new ConfigException("argument must be 'yes' or 'no'");
        }, v -> (Boolean) v ? "yes" : "no");
    }

    static ConfigOption integer(String name, long def, long min, long max, boolean mutable) {
        return new ConfigOption(name, Long.toString(def), mutable, raw -> {
            long v;
            try {
                v = Long.parseLong(raw.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException("argument couldn't be parsed into an integer");
            }
            if (v < min || v > max) {
                throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
            }
            return v;
        }, String::valueOf);
    }

    static ConfigOption memory(String name, long def, long min, long max, boolean mutable) {
        return new ConfigOption(name, Long.toString(def), mutable, raw -> {
            long v = MemorySize.parse(raw);
            if (v < min || v > max) {
                throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
            }
            return v;
        }, String::valueOf);
    }

    static ConfigOption string(String name, String def, boolean mutable) {
        return new ConfigOption(name, def, mutable, raw -> raw, v -> (String) v);
    }

    static ConfigOption oneOf(String name, String def, boolean mutable, String... allowed) {
        return new ConfigOption(name, def, mutable, raw -> {
            for (String a : allowed) {
                if (a.equalsIgnoreCase(raw)) {
                    return a;
                }
            }
            throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", allowed));
        }, v -> (String) v);
    }

    static ConfigOption custom(String name, String def, boolean mutable, Parser parser, Function<Object, String> printer) {
        return new ConfigOption(name, def, mutable, parser, printer);
    }
}
