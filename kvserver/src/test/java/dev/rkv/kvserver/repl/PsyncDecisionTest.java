package dev.rkv.kvserver.repl;

import org.junit.jupiter.api.Test;

import static dev.rkv.kvserver.repl.PsyncDecision.Outcome.CONTINUE;
import static dev.rkv.kvserver.repl.PsyncDecision.Outcome.FULL_ID_MISMATCH;
import static dev.rkv.kvserver.repl.PsyncDecision.Outcome.FULL_OUT_OF_BACKLOG;
import static dev.rkv.kvserver.repl.PsyncDecision.Outcome.FULL_REQUESTED;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PsyncDecisionTest {
    private static ReplicationBacklog backlogWith(long startOffset, int bytes) {
        ReplicationBacklog b = new ReplicationBacklog(100, startOffset);
        b.append(new byte[bytes]);
        return b;
    }

    @Test
    void questionMarkAsksForFullSync() {
        ReplicationIds ids = new ReplicationIds();
        assertEquals(FULL_REQUESTED, PsyncDecision.decide("?", -1, ids, backlogWith(0, 10)));
    }

    @Test
    void currentIdInsideBacklogContinues() {
        ReplicationIds ids = new ReplicationIds();
        ReplicationBacklog b = backlogWith(0, 10);
        assertEquals(CONTINUE, PsyncDecision.decide(ids.replId(), 1, ids, b));
        assertEquals(CONTINUE, PsyncDecision.decide(ids.replId(), 11, ids, b));
        assertEquals(CONTINUE, PsyncDecision.decide(ids.replId().toUpperCase(), 5, ids, b));
    }

    @Test
    void offsetOutsideBacklogNeedsFullSync() {
        ReplicationIds ids = new ReplicationIds();
        ReplicationBacklog b = new ReplicationBacklog(10, 0);
        b.append(new byte[30]);
        assertEquals(FULL_OUT_OF_BACKLOG, PsyncDecision.decide(ids.replId(), 20, ids, b));
        assertEquals(CONTINUE, PsyncDecision.decide(ids.replId(), 21, ids, b));
        assertEquals(FULL_OUT_OF_BACKLOG, PsyncDecision.decide(ids.replId(), 32, ids, b));
        assertEquals(FULL_OUT_OF_BACKLOG, PsyncDecision.decide(ids.replId(), 5, ids, null));
    }

    @Test
    void unknownIdNeedsFullSync() {
        ReplicationIds ids = new ReplicationIds();
        assertEquals(FULL_ID_MISMATCH, PsyncDecision.decide(ReplicationIds.random(), 1, ids, backlogWith(0, 10)));
        assertEquals(FULL_ID_MISMATCH, PsyncDecision.decide(ReplicationIds.NONE, 1, ids, backlogWith(0, 10)));
    }

    @Test
    void previousIdContinuesOnlyUpToTheSwitch() {
        ReplicationIds ids = new ReplicationIds();
        String old = ids.replId();
        ReplicationBacklog b = backlogWith(0, 10);
        ids.shift(10, null);
        b.append(new byte[5]);
        assertEquals(old, ids.replId2());
        assertEquals(11, ids.secondReplOffset());
        assertEquals(CONTINUE, PsyncDecision.decide(old, 11, ids, b));
        assertEquals(CONTINUE, PsyncDecision.decide(old, 4, ids, b));
        assertEquals(FULL_ID_MISMATCH, PsyncDecision.decide(old, 12, ids, b));
        assertEquals(CONTINUE, PsyncDecision.decide(ids.replId(), 12, ids, b));
    }
}
