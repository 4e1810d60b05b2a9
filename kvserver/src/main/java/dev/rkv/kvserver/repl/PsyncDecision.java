package dev.rkv.kvserver.repl;

/**
 * Whether a replica's {@code PSYNC replid offset} may continue from the backlog, following
 * Redis's masterTryPartialResynchronization: the id must be our current one, or our
 * previous one with the offset inside the previous history, and the offset must be in the
 * backlog.
 */
public final class PsyncDecision {
    private PsyncDecision() {
    }

    /** Why a PSYNC got the answer it got; {@link #CONTINUE} is the only partial outcome. */
    public enum Outcome {
        CONTINUE,
        /** PSYNC ? -1: the replica asks for a full sync. */
        FULL_REQUESTED,
        /** The id is neither ours nor our previous one (or the offset is past the previous history). */
        FULL_ID_MISMATCH,
        /** No backlog, or the offset is outside it. */
        FULL_OUT_OF_BACKLOG
    }

    public static Outcome decide(String requestedId, long requestedOffset, ReplicationIds ids,
                                 ReplicationBacklog backlog) {
        if (requestedId.equals("?")) {
            return Outcome.FULL_REQUESTED;
        }
        boolean current = requestedId.equalsIgnoreCase(ids.replId());
        boolean previous = requestedId.equalsIgnoreCase(ids.replId2()) && !ids.replId2().equals(ReplicationIds.NONE)
            && requestedOffset <= ids.secondReplOffset();
        if (!current && !previous) {
            return Outcome.FULL_ID_MISMATCH;
        }
        if (backlog == null || !backlog.covers(requestedOffset)) {
            return Outcome.FULL_OUT_OF_BACKLOG;
        }
        return Outcome.CONTINUE;
    }
}
