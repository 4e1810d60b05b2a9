package dev.rkv.kvserver.command;

/**
 * Executes one command. Arity and authentication were checked by the dispatcher; the handler
 * writes exactly one reply to {@code client.out()} (Pub/Sub commands may write several).
 * {@code argv[0]} is the command name as the client sent it; arguments must not be modified.
 */
@FunctionalInterface
public interface CommandHandler {
    void execute(Client client, byte[][] argv);
}
