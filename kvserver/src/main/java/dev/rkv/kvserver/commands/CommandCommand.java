package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandFlag;
import dev.rkv.kvserver.command.CommandSpec;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.command.KeySpec;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.protocol.RespWriter;
import dev.rkv.kvserver.util.Glob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static dev.rkv.kvserver.command.CommandFlag.LOADING;
import static dev.rkv.kvserver.command.CommandFlag.STALE;
import static dev.rkv.kvserver.command.CommandSpec.command;

/**
 * COMMAND and its subcommands COUNT / LIST / INFO / DOCS / GETKEYS / GETKEYSANDFLAGS / HELP,
 * answered from the command table in Redis 7.0's formats. ACL categories are derived from each
 * spec's flags and group (see {@link AclCategories}); keys come from its {@link KeySpec}s.
 */
public final class CommandCommand {
    private static final List<String> HELP = List.of(
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
        "HELP",
        "    Prints this help.");

    private CommandCommand() {
    }

    public static void register(CommandTable t) {
        t.register(command("command", -1).flags(LOADING, STALE).group("server").acl("connection")
            .tips("nondeterministic_output_order")
            .summary("Get array of Redis command details").since("2.8.13").handler(CommandCommand::all)
            .subcommand(sub("count", 2, "Get total number of Redis commands", "2.8.13").handler(
                (c, argv) -> c.out().integer(c.server().commands().size())))
            .subcommand(sub("list", -2, "Get an array of Redis command names", "7.0.0")
                .tips("nondeterministic_output_order").handler(CommandCommand::list))
            .subcommand(sub("info", -2, "Get array of specific Redis command details, or all when no argument is given",
                "2.8.13").tips("nondeterministic_output_order").handler(CommandCommand::info))
            .subcommand(sub("docs", -2, "Get array of specific Redis command documentation", "7.0.0")
                .tips("nondeterministic_output_order")
                .handler(CommandCommand::docs))
            .subcommand(sub("getkeys", -4, "Extract keys given a full Redis command", "2.8.13")
                .handler((c, argv) -> getkeys(c, argv, false)))
            .subcommand(sub("getkeysandflags", -4, "Extract keys and access flags given a full Redis command", "7.0.0")
                .handler((c, argv) -> getkeys(c, argv, true)))
            .subcommand(sub("help", 2, "Show helpful text about the different subcommands", "5.0.0")
                .handler((c, argv) -> Help.reply(c, HELP)))
            .build());
    }

    private static CommandSpec.Builder sub(String name, int arity, String summary, String since) {
        return command(name, arity).flags(LOADING, STALE).group("server").acl("connection").summary(summary)
            .since(since);
    }

    // COMMAND
    private static void all(Client c, byte[][] argv) {
        c.out().array(c.server().commands().size());
        for (CommandSpec spec : c.server().commands().all()) {
            writeInfo(c.out(), spec);
        }
    }

    // COMMAND INFO [command-name ...]
    private static void info(Client c, byte[][] argv) {
        if (argv.length == 2) {
            all(c, argv);
            return;
        }
        c.out().array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            CommandSpec spec = lookup(c.server().commands(), Args.string(argv[i]));
            if (spec == null) {
                c.out().nullBulk();
            } else {
                writeInfo(c.out(), spec);
            }
        }
    }

    /** Finds "name" or "container|sub", case-insensitively. */
    static CommandSpec lookup(CommandTable table, String fullName) {
        String[] parts = fullName.toLowerCase(Locale.ROOT).split("\\|", -1);
        if (parts.length > 2) {
            return null;
        }
        CommandSpec spec = table.lookup(parts[0]);
        if (spec != null && parts.length == 2) {
            spec = spec.subcommands().get(parts[1]);
        }
        return spec;
    }

    /** The ten fields of Redis 7.0's command info reply. */
    private static void writeInfo(RespWriter out, CommandSpec spec) {
        out.array(10);
        out.bulk(spec.fullName());
        out.integer(spec.arity());
        out.set(spec.flags().size());
        for (CommandFlag f : spec.flags()) {
            out.simple(f.wireName());
        }
        out.integer(spec.firstKey()).integer(spec.lastKey()).integer(spec.keyStep());
        List<String> categories = AclCategories.of(spec);
        out.set(categories.size());
        for (String cat : categories) {
            out.simple("@" + cat);
        }
        out.set(spec.tips().size());
        for (String tip : spec.tips()) {
            out.bulk(tip);
        }
        writeKeySpecs(out, spec);
        out.set(spec.subcommands().size());
        for (CommandSpec sub : spec.subcommands().values()) {
            writeInfo(out, sub);
        }
    }

    /** Each key spec as a map: notes (when any), flags, begin_search by index, find_keys by range or keynum. */
    private static void writeKeySpecs(RespWriter out, CommandSpec spec) {
        out.set(spec.keySpecs().size());
        for (KeySpec ks : spec.keySpecs()) {
            out.map(ks.notes() == null ? 3 : 4);
            if (ks.notes() != null) {
                out.bulk("notes").bulk(ks.notes());
            }
            out.bulk("flags").set(ks.flags().size());
            for (String f : ks.flags()) {
                out.simple(f);
            }
            if (ks.isUnknown()) {
                out.bulk("begin_search").map(2).bulk("type").bulk("unknown").bulk("spec").map(0);
                out.bulk("find_keys").map(2).bulk("type").bulk("unknown").bulk("spec").map(0);
                continue;
            }
            out.bulk("begin_search").map(2).bulk("type").bulk("index").bulk("spec").map(1).bulk("index")
                .integer(ks.index());
            if (ks.isKeynum()) {
                out.bulk("find_keys").map(2).bulk("type").bulk("keynum").bulk("spec").map(3)
                    .bulk("keynumidx").integer(ks.keynumIdx()).bulk("firstkey").integer(ks.firstKey())
                    .bulk("keystep").integer(ks.keyStep());
            } else {
                out.bulk("find_keys").map(2).bulk("type").bulk("range").bulk("spec").map(3)
                    .bulk("lastkey").integer(ks.lastKey()).bulk("keystep").integer(ks.keyStep()).bulk("limit").integer(0);
            }
        }
    }

    // COMMAND DOCS [command-name ...]
    private static void docs(Client c, byte[][] argv) {
        List<CommandSpec> specs = new ArrayList<>();
        if (argv.length == 2) {
            specs.addAll(c.server().commands().all());
        } else {
            for (int i = 2; i < argv.length; i++) {
                CommandSpec spec = lookup(c.server().commands(), Args.string(argv[i]));
                if (spec != null) {
                    specs.add(spec);
                }
            }
        }
        c.out().map(specs.size());
        for (CommandSpec spec : specs) {
            c.out().bulk(spec.fullName());
            writeDocs(c.out(), spec);
        }
    }

    private static void writeDocs(RespWriter out, CommandSpec spec) {
        boolean subs = spec.isContainer();
        out.map(subs ? 4 : 3);
        out.bulk("summary").bulk(spec.summary());
        out.bulk("since").bulk(spec.since());
        out.bulk("group").bulk(spec.group());
        if (subs) {
            out.bulk("subcommands").map(spec.subcommands().size());
            for (CommandSpec sub : spec.subcommands().values()) {
                out.bulk(sub.fullName());
                writeDocs(out, sub);
            }
        }
    }

    // COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
    private static void list(Client c, byte[][] argv) {
        String filter = null;
        String value = null;
        if (argv.length == 5 && Args.is(argv[2], "filterby")) {
            filter = Args.word(argv[3]);
            value = Args.string(argv[4]);
            if (!filter.equals("module") && !filter.equals("aclcat") && !filter.equals("pattern")) {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
        } else if (argv.length != 2) {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec spec : c.server().commands().all()) {
            collect(spec, filter, value, names);
            for (CommandSpec sub : spec.subcommands().values()) {
                collect(sub, filter, value, names);
            }
        }
        c.out().array(names.size());
        for (String n : names) {
            c.out().bulk(n);
        }
    }

    private static void collect(CommandSpec spec, String filter, String value, List<String> names) {
        boolean keep = filter == null
            || (filter.equals("aclcat") && AclCategories.of(spec).contains(value.toLowerCase(Locale.ROOT)))
            || (filter.equals("pattern") && Glob.matches(Args.bytes(value), Args.bytes(spec.fullName()), true));
        if (keep) {
            names.add(spec.fullName());
        }
    }

    // COMMAND GETKEYS command [arg ...] / COMMAND GETKEYSANDFLAGS command [arg ...]
    private static void getkeys(Client c, byte[][] argv, boolean withFlags) {
        byte[][] cmdArgv = Arrays.copyOfRange(argv, 2, argv.length);
        CommandSpec spec = c.server().commands().lookup(cmdArgv[0]);
        if (spec != null && spec.isContainer() && cmdArgv.length >= 2) {
            spec = spec.subcommands().get(Args.word(cmdArgv[1]));
        }
        if (spec == null) {
            c.out().error("ERR Invalid command specified");
            return;
        }
        if (spec.keySpecs().stream().allMatch(KeySpec::notKey)) {
            c.out().error("ERR The command has no key arguments");
            return;
        }
        if (!spec.arityMatches(cmdArgv.length)) {
            c.out().error("ERR Invalid number of arguments specified for command");
            return;
        }
        List<byte[]> keys = new ArrayList<>();
        List<List<String>> keyFlags = new ArrayList<>();
        for (KeySpec ks : spec.keySpecs()) {
            if (ks.notKey()) {
                continue;
            }
            for (int i : ks.positions(cmdArgv)) {
                keys.add(cmdArgv[i]);
                keyFlags.add(ks.flagsFor(cmdArgv));
            }
        }
        if (keys.isEmpty()) {
            c.out().error("ERR Invalid arguments specified for command");
            return;
        }
        c.out().array(keys.size());
        for (int k = 0; k < keys.size(); k++) {
            if (withFlags) {
                List<String> flags = keyFlags.get(k);
                c.out().array(2).bulk(keys.get(k)).set(flags.size());
                for (String f : flags) {
                    c.out().simple(f);
                }
            } else {
                c.out().bulk(keys.get(k));
            }
        }
    }
}
