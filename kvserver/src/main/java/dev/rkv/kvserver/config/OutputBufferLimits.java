package dev.rkv.kvserver.config;

import java.util.Locale;

/**
 * client-output-buffer-limit: for each class (normal, replica, pubsub) a hard limit, a soft
 * limit and the seconds the soft limit may be exceeded. Zero disables a limit.
 */
public record OutputBufferLimits(Limit normal, Limit replica, Limit pubsub) {
    /** One class's limits, in bytes and seconds. */
    public record Limit(long hardBytes, long softBytes, long softSeconds) {
        @Override
        public String toString() {
            return hardBytes + " " + softBytes + " " + softSeconds;
        }
    }

    public static final OutputBufferLimits DEFAULT = new OutputBufferLimits(new Limit(0, 0, 0),
        new Limit(256L * 1024 * 1024, 64L * 1024 * 1024, 60), new Limit(32L * 1024 * 1024, 8L * 1024 * 1024, 60));

    /** Parses "class hard soft seconds [class hard soft seconds ...]"; unnamed classes keep their value. */
    public static OutputBufferLimits parse(String raw) throws ConfigException {
        return DEFAULT.with(raw);
    }

    public OutputBufferLimits with(String raw) throws ConfigException {
        String[] w = raw.trim().split("\\s+");
        if (w.length % 4 != 0 || raw.isBlank()) {
            throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
        }
        Limit n = normal;
        Limit r = replica;
        Limit p = pubsub;
        for (int i = 0; i < w.length; i += 4) {
            Limit l = new Limit(MemorySize.parse(w[i + 1]), MemorySize.parse(w[i + 2]), parseSeconds(w[i + 3]));
            switch (w[i].toLowerCase(Locale.ROOT)) {
                case "normal" -> n = l;
                case "replica", "slave" -> r = l;
                case "pubsub" -> p = l;
                default -> throw new ConfigException("Invalid client class specified in buffer limit configuration.");
            }
        }
        return new OutputBufferLimits(n, r, p);
    }

    private static long parseSeconds(String s) throws ConfigException {
        try {
            long v = Long.parseLong(s);
            if (v < 0) {
                throw new ConfigException("Error in soft_seconds setting in buffer limit configuration.");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigException("Error in soft_seconds setting in buffer limit configuration.");
        }
    }

    @Override
    public String toString() {
        return "normal " + normal + " slave " + replica + " pubsub " + pubsub;
    }
}
