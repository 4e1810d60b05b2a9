package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.CommandTable;

/** Builds the command table from every command family. */
public final class Commands {
    private Commands() {
    }

    public static CommandTable table() {
        CommandTable t = new CommandTable();
        ConnectionCommands.register(t);
        return t;
    }
}
