package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.command.Client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The coordinated failover a primary runs for {@code FAILOVER} (Redis 6.2+), with Redis 7.0's
 * states and errors (replication.c: failoverCommand, updateFailoverStatus, abortFailover):
 *
 * <pre>
 *   no-failover --FAILOVER--> waiting-for-sync --target acked our offset--> failover-in-progress
 *        ^                     (writes paused)      (or TIMEOUT with FORCE)   (we follow the target and
 *        |                          |                                          send PSYNC ... FAILOVER)
 *        +---- TIMEOUT without FORCE, ABORT ----+                                   |
 *        +---- the target answered PSYNC (we are its replica now) / it refused (we are primary again)
 * </pre>
 *
 * While a failover runs, commands that write (or may replicate) from ordinary clients are held,
 * not refused, as Redis's CLIENT_PAUSE_WRITE does; once it ends they run (on a server that is a
 * replica by then they get -READONLY), so no write is acknowledged that the target lacks.
 * Owned by the event loop, as {@link Replication}, which drives it.
 */
final class Failover {
    enum State {
        NO_FAILOVER("no-failover"),
        WAIT_FOR_SYNC("waiting-for-sync"),
        IN_PROGRESS("failover-in-progress");

        final String infoName;

        State(String infoName) {
            this.infoName = infoName;
        }
    }

    /** What the failover needs from the replication it runs in. */
    interface Host {
        /** The online replica at an address as INFO reports it (announced ip, listening port); null if none. */
        ReplicaHandle findReplica(String host, int port);

        List<ReplicaHandle> replicas();

        long offset();

        /** Becomes a replica of the target (Redis's replicationSetMaster). */
        void follow(String host, int port);

        /** Becomes a primary again (Redis's replicationUnsetMaster). */
        void unfollow();

        /** Runs commands held during the pause, for one client, in order. */
        void redispatch(Client c, Deque<byte[][]> held);

        void log(String message);
    }

    private final Host host;
    private State state = State.NO_FAILOVER;
    private String targetHost;
    private int targetPort;
    private long endMs;
    private boolean force;
    private final Map<Client, Deque<byte[][]>> held = new LinkedHashMap<>();

    Failover(Host host) {
        this.host = host;
    }

    String stateName() {
        return state.infoName;
    }

    boolean inProgress() {
        return state == State.IN_PROGRESS;
    }

    boolean running() {
        return state != State.NO_FAILOVER;
    }

    /**
     * FAILOVER [TO host port] [TIMEOUT ms] [FORCE], after the arguments were parsed; {@code targetHost}
     * null for any replica, {@code timeoutMs} 0 for none.
     *
     * @return Redis's error text, or null when the failover started
     */
    String start(boolean isReplica, String target, int port, long timeoutMs, boolean forced, long now) {
        if (state != State.NO_FAILOVER) {
            return "ERR FAILOVER already in progress.";
        }
        if (isReplica) {
            return "ERR FAILOVER is not valid when server is a replica.";
        }
        if (host.replicas().isEmpty()) {
            return "ERR FAILOVER requires connected replicas.";
        }
        if (forced && (timeoutMs == 0 || target == null)) {
            return "ERR FAILOVER with force option requires both a timeout and target HOST and IP.";
        }
        if (target != null) {
            ReplicaHandle r = host.findReplica(target, port);
            if (r == null) {
                return "ERR FAILOVER target HOST and PORT is not a replica.";
            }
            if (r.state() != ReplicaHandle.State.ONLINE) {
                return "ERR FAILOVER target replica is not online.";
            }
            targetHost = target;
            targetPort = port;
            host.log("FAILOVER requested to " + target + ":" + port + ".");
        } else {
            host.log("FAILOVER requested to any replica.");
        }
        endMs = timeoutMs > 0 ? now + timeoutMs : 0;
        force = forced;
        state = State.WAIT_FOR_SYNC;
        return null;
    }

    /** FAILOVER ABORT: the error text, or null when a failover was aborted. */
    String abortCommand() {
        if (state == State.NO_FAILOVER) {
            return "ERR No failover in progress.";
        }
        abort("Failover manually aborted");
        return null;
    }

    /** Redis's abortFailover: a failover in progress makes this server a primary again. */
    void abort(String why) {
        if (state == State.NO_FAILOVER) {
            return;
        }
        host.log("FAILOVER to " + (targetHost != null ? targetHost + ":" + targetPort : "any replica") + " aborted: " + why);
        if (state == State.IN_PROGRESS) {
            host.unfollow();
        }
        clear();
    }

    /** The target answered our PSYNC FAILOVER: with a sync (done, we follow it) or with a refusal (abort). */
    void psyncAnswered(boolean accepted) {
        if (state != State.IN_PROGRESS) {
            return;
        }
        if (accepted) {
            host.log("FAILOVER to " + targetHost + ":" + targetPort + " succeeded");
            clear();
        } else {
            abort("Failover target rejected psync request");
        }
    }

    /** Redis's updateFailoverStatus: on each cron tick and each ACK while waiting for the target. */
    void update(long now) {
        if (state != State.WAIT_FOR_SYNC) {
            return;
        }
        if (endMs > 0 && endMs <= now) {
            if (force) {
                host.log("FAILOVER to " + targetHost + ":" + targetPort + " time out exceeded, failing over.");
                state = State.IN_PROGRESS;
                host.follow(targetHost, targetPort);
            } else {
                abort("Replica never caught up before timeout");
            }
            return;
        }
        long offset = host.offset();
        ReplicaHandle caughtUp = null;
        if (targetHost != null) {
            ReplicaHandle r = host.findReplica(targetHost, targetPort);
            caughtUp = r != null && r.ackOffset() == offset ? r : null;
        } else {
            for (ReplicaHandle r : host.replicas()) {
                if (r.ackOffset() == offset) {
                    caughtUp = r;
                    targetHost = r.ip();
                    targetPort = r.listeningPort();
                    break;
                }
            }
        }
        if (caughtUp != null) {
            host.log("Failover target " + targetHost + ":" + targetPort + " is synced, failing over.");
            state = State.IN_PROGRESS;
            host.follow(targetHost, targetPort);
        }
    }

    private void clear() {
        state = State.NO_FAILOVER;
        targetHost = null;
        targetPort = 0;
        endMs = 0;
        force = false;
        // Unpause: the held clients run their commands now, in the order they were held.
        List<Map.Entry<Client, Deque<byte[][]>>> resume = new ArrayList<>(held.entrySet());
        held.clear();
        for (Map.Entry<Client, Deque<byte[][]>> e : resume) {
            host.redispatch(e.getKey(), e.getValue());
        }
    }

    // ------------------------------------------------------------------ the write pause

    /** Holds a write command of an ordinary client while a failover runs; true when held. */
    boolean holdIfPaused(Client c, byte[][] argv) {
        if (state == State.NO_FAILOVER) {
            return false;
        }
        held.computeIfAbsent(c, k -> new ArrayDeque<>()).add(argv);
        return true;
    }

    /** Keeps any command of a client that has a held one, so that its replies stay in order; true when kept. */
    boolean deferIfHeld(Client c, byte[][] argv) {
        Deque<byte[][]> q = held.get(c);
        if (q == null) {
            return false;
        }
        q.add(argv);
        return true;
    }

    void clientClosed(Client c) {
        held.remove(c);
    }
}
