package dev.rkv.cli;

import dev.rkv.kvserver.RkvServer;

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
        String save = describe(server.saveOnSignal());
        String agentState = "";
        AutoCloseable agent = this.agent;
        if (agent != null) {
            agentState = closeAgent(agent);
        }
        server.close();
        System.err.println("rkv " + command + ": stopped by signal: " + save + agentState + ", server closed");
    }

    private String describe(RkvServer.SignalSave save) {
        return switch (save) {
            case SAVED -> "saved " + server.config().getString("dbfilename");
            case NOT_CONFIGURED -> "no save points, not saved";
            case FAILED -> "final save FAILED (see the log above)";
            case LOOP_HELD -> "NOT saved: a command held the event loop (see the log above)";
        };
    }

    /** How long closing the agent may take: it detaches through the event loop, which a command may hold. */
    private static final long AGENT_CLOSE_MS = 3_000;

    /**
     * Closes the agent on a thread of its own and waits a bounded time: a signal must end the
     * process within seconds even when the event loop cannot answer the agent.
     */
    private String closeAgent(AutoCloseable agent) {
        String[] outcome = {", agent closed"};
        Thread closer = new Thread(() -> {
            try {
                agent.close();
            } catch (Exception e) {
                outcome[0] = ", closing the agent failed: " + e;
            }
        }, "rkv-agent-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(server.loopHeld() ? 500 : AGENT_CLOSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return closer.isAlive() ? ", the agent did not close in time" : outcome[0];
    }
}
