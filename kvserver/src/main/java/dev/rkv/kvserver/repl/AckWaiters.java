package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.command.Client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.LongUnaryOperator;

/**
 * Clients blocked in WAIT: each waits until enough replicas acknowledged the offset it was
 * given, or its deadline; commands it sends meanwhile are kept and run after WAIT's reply, so
 * replies stay in order. Owned by the event loop, as {@link Replication}, which tells it of ACKs.
 */
final class AckWaiters {
    /** A client blocked in WAIT, and the commands it sent meanwhile. */
    private static final class Waiter {
        final long targetOffset;
        final long numReplicas;
        final long deadlineMs;
        final Deque<byte[][]> deferred = new ArrayDeque<>();

        Waiter(long targetOffset, long numReplicas, long deadlineMs) {
            this.targetOffset = targetOffset;
            this.numReplicas = numReplicas;
            this.deadlineMs = deadlineMs;
        }
    }

    private final Map<Client, Waiter> waiters = new IdentityHashMap<>();
    /** Replicas whose acknowledged offset reached the argument. */
    private final LongUnaryOperator countAcked;
    /** Runs a kept command through the dispatcher. */
    private final BiConsumer<Client, byte[][]> dispatch;

    AckWaiters(LongUnaryOperator countAcked, BiConsumer<Client, byte[][]> dispatch) {
        this.countAcked = countAcked;
        this.dispatch = dispatch;
    }

    /** Blocks {@code c} until {@code numReplicas} acknowledged {@code targetOffset} or {@code deadlineMs} (0: none). */
    void block(Client c, long targetOffset, long numReplicas, long deadlineMs) {
        waiters.put(c, new Waiter(targetOffset, numReplicas, deadlineMs));
    }

    /** Answers every waiter whose replicas caught up or whose deadline passed. */
    void check(long now) {
        if (waiters.isEmpty()) {
            return;
        }
        for (Map.Entry<Client, Waiter> e : new ArrayList<>(waiters.entrySet())) {
            Waiter w = e.getValue();
            long acked = countAcked.applyAsLong(w.targetOffset);
            if (acked >= w.numReplicas || (w.deadlineMs > 0 && now >= w.deadlineMs)) {
                Client c = e.getKey();
                waiters.remove(c);
                c.out().integer(acked);
                runDeferred(c, w.deferred);
                c.connection().requestFlush();
            }
        }
    }

    /** Keeps a command of a client blocked in WAIT until WAIT has answered; true when kept. */
    boolean deferIfBlocked(Client c, byte[][] argv) {
        Waiter w = waiters.get(c);
        if (w == null) {
            return false;
        }
        w.deferred.add(argv);
        return true;
    }

    void remove(Client c) {
        waiters.remove(c);
    }

    private void runDeferred(Client c, Deque<byte[][]> deferred) {
        while (!deferred.isEmpty()) {
            dispatch.accept(c, deferred.poll());
            Waiter again = waiters.get(c);
            if (again != null) {
                again.deferred.addAll(deferred);
                return;
            }
        }
    }
}
