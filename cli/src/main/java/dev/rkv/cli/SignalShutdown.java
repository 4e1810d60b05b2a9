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
    private final AutoCloseable agent;
    private final AtomicBoolean serverStoppedByItself = new AtomicBoolean();

    private SignalShutdown(String command, RkvServer server, AutoCloseable agent) {
        this.command = command;
        this.server = server;
        this.agent = agent;
    }

    /**
     * Registers the hook for a started server.
     *
     * @param agent the agent paired with the server, closed before it; {@code null} for none
     */
    static SignalShutdown install(String command, RkvServer server, AutoCloseable agent) {
        SignalShutdown s = new SignalShutdown(command, server, agent);
        Runtime.getRuntime().addShutdownHook(new Thread(s::onSignal, "rkv-shutdown"));
        return s;
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
