package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.command.Client;

import java.util.ArrayList;
import java.util.List;

/**
 * The primary's view of one replica: where it is in its sync, what it acknowledged, and the
 * stream produced while its RDB was on the way. Owned by the event loop thread.
 */
public final class ReplicaHandle {
    /** Sync states, with the names INFO replication prints. */
    public enum State {
        /** Waiting for an RDB job to start (diskless delay, or a job already running). */
        WAIT_BGSAVE_START("wait_bgsave"),
        /** Its RDB is being produced. */
        WAIT_BGSAVE_END("wait_bgsave"),
        /** Its RDB is being sent. */
        SEND_BULK("send_bulk"),
        /** Diskless: RDB sent, waiting for the first ACK before streaming (the EOF mark must end the bytes). */
        WAIT_ONLINE_ACK("online"),
        ONLINE("online");

        private final String infoName;

        State(String infoName) {
            this.infoName = infoName;
        }

        public String infoName() {
            return infoName;
        }
    }

    private final Client client;
    private State state;
    private int listeningPort;
    private String announcedIp;
    private boolean capaEof;
    private long ackOffset;
    private long ackTimeMs;
    /** Stream produced since this replica's RDB snapshot, sent once the RDB has been. */
    private List<byte[]> held = new ArrayList<>();
    private long heldBytes;
    /** Asked with SYNC rather than PSYNC: no +FULLRESYNC line before the RDB. */
    boolean legacySync;

    ReplicaHandle(Client client, State state, long nowMs) {
        this.client = client;
        this.state = state;
        this.ackTimeMs = nowMs;
    }

    public Client client() {
        return client;
    }

    public State state() {
        return state;
    }

    void state(State s) {
        state = s;
    }

    public boolean online() {
        return state == State.ONLINE || state == State.WAIT_ONLINE_ACK;
    }

    /** Whether stream bytes go to its connection now (else they are held). */
    boolean streaming() {
        return state == State.ONLINE;
    }

    public int listeningPort() {
        return listeningPort;
    }

    void listeningPort(int port) {
        listeningPort = port;
    }

    boolean capaEof() {
        return capaEof;
    }

    void capaEof(boolean v) {
        capaEof = v;
    }

    public long ackOffset() {
        return ackOffset;
    }

    public long ackTimeMs() {
        return ackTimeMs;
    }

    void acked(long offset, long nowMs) {
        ackOffset = Math.max(ackOffset, offset);
        ackTimeMs = nowMs;
    }

    void hold(byte[] bytes) {
        held.add(bytes);
        heldBytes += bytes.length;
    }

    long heldBytes() {
        return heldBytes;
    }

    /** Replaces the held stream (a replica joining a running job gets a copy of another's). */
    void holdCopyOf(ReplicaHandle other) {
        held = new ArrayList<>(other.held);
        heldBytes = other.heldBytes;
    }

    /** Takes the held stream, leaving nothing held. */
    List<byte[]> takeHeld() {
        List<byte[]> out = held;
        held = new ArrayList<>();
        heldBytes = 0;
        return out;
    }

    /** The address a replica sent with REPLCONF ip-address, null when it sent none. */
    void announcedIp(String ip) {
        announcedIp = ip;
    }

    /** The replica's address as INFO and ROLE report it: the one it announced, else its peer address. */
    public String ip() {
        if (announcedIp != null) {
            return announcedIp;
        }
        String peer = client.connection().peerAddress();
        int colon = peer.lastIndexOf(':');
        return colon < 0 ? peer : peer.substring(0, colon);
    }
}
