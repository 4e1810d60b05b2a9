package dev.rkv.cli;

import dev.rkv.kvserver.RkvServer;
import dev.rkv.kvserver.persist.Persistence;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What SIGTERM or SIGINT does to a command that runs a server in the foreground ({@code server},
 * {@code primary-agent}, {@code replica-agent}): like Redis, save first when save points are
 * configured, then close the agent (it detaches through the server's event loop, so it goes
 * while the loop still runs) and then the server, and say in one line what was done.
 *
 * <p>Everything happens in the shutdown hook because the JVM halts when its hooks return: code
 * after {@code awaitTermination()} in the command never runs on a signal.
 */
final class SignalShutdown {
    private final String command;
    private final RkvServer server;
    private final AtomicBoolean serverStoppedByItself = new AtomicBoolean();
    /** Set once the agent is attached; the server takes writes before that, so the hook is installed first. */
    private volatile AutoCloseable agent;

    private SignalShutdown(String command, RkvServer server) {
        this.command = command;
        this.server = server;
    }

    /**
     * Registers the hook as soon as the server is started: from then on it accepts writes, and
     * a SIGTERM must save them even if the agent is still attaching.
     */
    static SignalShutdown install(String command, RkvServer server) {
        SignalShutdown s = new SignalShutdown(command, server);
        Runtime.getRuntime().addShutdownHook(new Thread(s::onSignal, "rkv-shutdown"));
        return s;
    }

    /** The agent paired with the server, closed before it on a signal. */
    void closeAgentFirst(AutoCloseable attached) {
        this.agent = attached;
    }

    /**
     * The server stopped without a signal (SHUTDOWN, which saves by itself): the command closes
     * the rest, and a later JVM exit must not save or close again.
     */
    void serverStopped() {
        serverStoppedByItself.set(true);
    }

    private void onSignal() {
        if (serverStoppedByItself.get()) {
            return;
        }
        String save = finalSave();
        String agentState = "";
        AutoCloseable agent = this.agent;
        if (agent != null) {
            try {
                agent.close();
                agentState = ", agent closed";
            } catch (Exception e) {
                agentState = ", closing the agent failed: " + e;
            }
        }
        server.close();
        System.err.println("rkv " + command + ": stopped by signal: " + save + agentState + ", server closed");
    }

    /** Saves on the event loop, as SHUTDOWN does, when save points say the data is to be kept. */
    private String finalSave() {
        Persistence persistence = server.context().persistence();
        if (server.config().savePoints().points().isEmpty() || persistence == null) {
            return "no save points, not saved";
        }
        try {
            boolean saved = server.call(persistence::saveForShutdown);
            return saved ? "saved " + server.config().getString("dbfilename") : "final save FAILED (see the log above)";
        } catch (Exception e) {
            return "final save failed: " + e;
        }
    }
}
