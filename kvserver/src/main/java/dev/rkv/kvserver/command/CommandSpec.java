package dev.rkv.kvserver.command;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A command's entry in the command table: name, arity (+N exact, -N at least N, counting the
 * name), flags, key positions, documentation, and either a handler or subcommands.
 */
public final class CommandSpec {
    private final String name;
    private final String fullName;
    private final int arity;
    private final Set<CommandFlag> flags;
    private final int firstKey;
    private final int lastKey;
    private final int keyStep;
    private final String group;
    private final String summary;
    private final String since;
    private final CommandHandler handler;
    private final Map<String, CommandSpec> subcommands;
    private final List<String> aclCategories;
    private final List<String> tips;
    private final List<KeySpec> keySpecs;

    private CommandSpec(Builder b, String parentName) {
        this.name = b.name.toLowerCase(Locale.ROOT);
        this.fullName = parentName == null ? name : parentName + "|" + name;
        this.arity = b.arity;
        EnumSet<CommandFlag> f = b.flags.isEmpty() ? EnumSet.noneOf(CommandFlag.class) : EnumSet.copyOf(b.flags);
        if (b.keySpecs != null && b.keySpecs.stream().anyMatch(ks -> ks.isKeynum() || ks.isUnknown())) {
            f.add(CommandFlag.MOVABLEKEYS); // as Redis derives it from the key specs
        }
        this.flags = Collections.unmodifiableSet(f);
        this.firstKey = b.firstKey;
        this.lastKey = b.lastKey;
        this.keyStep = b.keyStep;
        this.group = b.group;
        this.summary = b.summary;
        this.since = b.since;
        this.handler = b.handler;
        this.aclCategories = b.aclCategories;
        this.tips = b.tips;
        this.keySpecs = b.keySpecs != null ? b.keySpecs : derivedKeySpecs(b);
        Map<String, CommandSpec> subs = new LinkedHashMap<>();
        for (Builder sb : b.subcommands) {
            CommandSpec s = new CommandSpec(sb, name);
            subs.put(s.name, s);
        }
        this.subcommands = Collections.unmodifiableMap(subs);
        if (handler == null && subcommands.isEmpty()) {
            throw new IllegalArgumentException("command '" + fullName + "' has neither a handler nor subcommands");
        }
    }

    /** Starts a spec: {@code arity} counts the command name; negative means "at least". */
    public static Builder command(String name, int arity) {
        return new Builder(name, arity);
    }

    public String name() {
        return name;
    }

    /** "config|get" for subcommands, as Redis 7 names them in errors and COMMAND INFO. */
    public String fullName() {
        return fullName;
    }

    public int arity() {
        return arity;
    }

    public boolean arityMatches(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    public Set<CommandFlag> flags() {
        return flags;
    }

    public boolean has(CommandFlag flag) {
        return flags.contains(flag);
    }

    public int firstKey() {
        return firstKey;
    }

    public int lastKey() {
        return lastKey;
    }

    public int keyStep() {
        return keyStep;
    }

    public String group() {
        return group;
    }

    public String summary() {
        return summary;
    }

    public String since() {
        return since;
    }

    public CommandHandler handler() {
        return handler;
    }

    public Map<String, CommandSpec> subcommands() {
        return subcommands;
    }

    /**
     * ACL categories beyond those the flags imply (write, read, admin, fast ...), without "@";
     * null when not given, in which case COMMAND INFO derives one from the group.
     */
    public List<String> aclCategories() {
        return aclCategories;
    }

    /** Command tips for COMMAND INFO ("nondeterministic_output", "request_policy:all_shards" ...). */
    public List<String> tips() {
        return tips;
    }

    /** The key specs COMMAND INFO reports and COMMAND GETKEYS follows; empty for keyless commands. */
    public List<KeySpec> keySpecs() {
        return keySpecs;
    }

    /**
     * Without explicit key specs, one range spec over the legacy key positions, flagged as given
     * or else RW update for writes, RO access for reads, RO otherwise.
     */
    private static List<KeySpec> derivedKeySpecs(Builder b) {
        if (b.firstKey <= 0) {
            return List.of();
        }
        List<String> flags = b.keySpecFlags != null ? b.keySpecFlags
            : b.flags.contains(CommandFlag.WRITE) ? List.of("RW", "update")
            : b.flags.contains(CommandFlag.READONLY) ? List.of("RO", "access")
            : List.of("RO");
        int last = b.lastKey < 0 ? b.lastKey : b.lastKey - b.firstKey;
        return List.of(new KeySpec(null, flags, b.firstKey, last, b.keyStep, null, -1, 0, null));
    }

    public boolean isContainer() {
        return !subcommands.isEmpty();
    }

    /** Builder; see {@link CommandSpec#command}. */
    public static final class Builder {
        private final String name;
        private final int arity;
        private final EnumSet<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
        private int firstKey;
        private int lastKey;
        private int keyStep;
        private String group = "generic";
        private String summary = "";
        private String since = "1.0.0";
        private CommandHandler handler;
        private final java.util.List<Builder> subcommands = new java.util.ArrayList<>();
        private List<String> aclCategories;
        private List<String> tips = List.of();
        private List<String> keySpecFlags;
        private List<KeySpec> keySpecs;

        private Builder(String name, int arity) {
            this.name = name;
            this.arity = arity;
        }

        public Builder flags(CommandFlag... fs) {
            flags.addAll(java.util.Arrays.asList(fs));
            return this;
        }

        /** Key positions as COMMAND INFO reports them: first, last (-1 = last argument), step. */
        public Builder keys(int first, int last, int step) {
            this.firstKey = first;
            this.lastKey = last;
            this.keyStep = step;
            return this;
        }

        public Builder group(String g) {
            this.group = g;
            return this;
        }

        public Builder summary(String s) {
            this.summary = s;
            return this;
        }

        public Builder since(String s) {
            this.since = s;
            return this;
        }

        public Builder handler(CommandHandler h) {
            this.handler = h;
            return this;
        }

        /** ACL categories beyond the implied ones, without "@"; replaces the one derived from the group. */
        public Builder acl(String... categories) {
            this.aclCategories = List.of(categories);
            return this;
        }

        public Builder tips(String... t) {
            this.tips = List.of(t);
            return this;
        }

        /**
         * Flags of the one key spec derived from {@link #keys}, as Redis's command table gives them
         * ("RO", "access"; "RW", "update"; "RM", "delete").
         */
        public Builder keySpecFlags(String... f) {
            this.keySpecFlags = List.of(f);
            return this;
        }

        /** Explicit key specs, in Redis's order, for commands one derived spec cannot describe. */
        public Builder keySpecs(KeySpec... specs) {
            this.keySpecs = List.of(specs);
            return this;
        }

        public Builder subcommand(Builder sub) {
            subcommands.add(sub);
            return this;
        }

        public CommandSpec build() {
            return new CommandSpec(this, null);
        }
    }
}
