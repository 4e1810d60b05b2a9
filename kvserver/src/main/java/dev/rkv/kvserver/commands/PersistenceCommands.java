package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.persist.Persistence;
import dev.rkv.kvserver.protocol.Replies;

import static dev.rkv.kvserver.command.CommandFlag.ADMIN;
import static dev.rkv.kvserver.command.CommandFlag.NOSCRIPT;
import static dev.rkv.kvserver.command.CommandFlag.NO_ASYNC_LOADING;
import static dev.rkv.kvserver.command.CommandFlag.NO_MULTI;
import static dev.rkv.kvserver.command.CommandSpec.command;

/** Persistence commands: SAVE BGSAVE. */
public final class PersistenceCommands {
    private PersistenceCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("save", 1).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING, NO_MULTI).group("server")
            .summary("Synchronously save the dataset to disk").handler(PersistenceCommands::save).build());
        t.register(command("bgsave", -1).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING).group("server")
            .summary("Asynchronously save the dataset to disk").handler(PersistenceCommands::bgsave).build());
    }

    // SAVE
    private static void save(Client c, byte[][] argv) {
        Persistence p = c.server().persistence();
        if (p.bgsaveInProgress()) {
            c.out().error("ERR Background save already in progress");
        } else if (p.save()) {
            c.out().raw(Replies.OK);
        } else {
            c.out().error("ERR");
        }
    }

    // BGSAVE [SCHEDULE]
    private static void bgsave(Client c, byte[][] argv) {
        boolean schedule = false;
        if (argv.length > 1) {
            if (argv.length == 2 && Args.is(argv[1], "schedule")) {
                schedule = true;
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
        }
        switch (c.server().persistence().bgsave(schedule)) {
            case STARTED -> c.out().simple("Background saving started");
            case SCHEDULED -> c.out().simple("Background saving scheduled");
            case ALREADY_IN_PROGRESS -> c.out().error("ERR Background save already in progress");
            case FAILED -> c.out().error("ERR");
        }
    }
}
