package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.command.ServerContext;

/** Builds the command table from every command family. */
public final class Commands {
    private Commands() {
    }

    public static CommandTable table() {
        CommandTable t = new CommandTable();
        ConnectionCommands.register(t);
        StringCommands.register(t);
        HashCommands.register(t);
        SetCommands.register(t);
        ListCommands.register(t);
        ZSetCommands.register(t);
        DumpRestoreCommands.register(t);
        KeyCommands.register(t);
        SortCommand.register(t);
        ObjectCommands.register(t);
        MemoryCommand.register(t);
        ExpireCommands.register(t);
        PersistenceCommands.register(t);
        TransactionCommands.register(t);
        PubSubCommands.register(t);
        ServerCommands.register(t);
        ConfigCommand.register(t);
        ClientCommand.register(t);
        CommandCommand.register(t);
        ReplicationCommands.register(t);
        ScriptCommand.register(t);
        return t;
    }

    /** Hooks the command families need on the server's keyspace; call once per server context. */
    public static void attach(ServerContext server) {
        server.propagateExpiriesWith(new ExpiryPropagation(server));
        server.addKeyspaceListener(server.blocked());
        ServerCommands.attach(server);
    }
}
