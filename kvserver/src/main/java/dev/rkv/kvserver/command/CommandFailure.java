package dev.rkv.kvserver.command;

import dev.rkv.kvserver.util.Throwables;

/**
 * What happens when a command handler throws instead of replying: the failure is logged with
 * its stack, and the client gets an error reply. When the handler had already encoded part of
 * its reply, an error after it would be read as the rest of that reply, so the client is
 * disconnected instead (after what was encoded), which it sees at once rather than waiting.
 */
final class CommandFailure {
    private CommandFailure() {
    }

    static void answer(ServerContext server, Client c, CommandSpec cmd, Throwable t, boolean partialReply) {
        server.warning("Command '" + cmd.fullName() + "' of client id=" + c.id() + " failed inside the server"
            + (partialReply ? " after part of its reply (closing that client)" : "") + ": " + Throwables.stackTrace(t));
        if (partialReply) {
            c.connection().closeAfterReply();
        } else {
            c.out().error("ERR internal error while executing '" + cmd.fullName() + "': "
                + t.getClass().getSimpleName() + " (details in the server log)");
        }
    }
}
