package dev.rkv.kvserver.net;

import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code io-threads N} (N > 1), Redis 7.0's threaded IO over the event loop: the TCP connections
 * that became readable in one pass are served together. Their reads and parsing run on the IO
 * threads when {@code io-threads-do-reads} is on (on the loop otherwise); then the loop runs
 * their commands, one connection after the other in the order they became ready; then the IO
 * threads write their replies. The loop waits for the threads at each step and runs every
 * command itself, so the keyspace, clients, blocking, transactions, Pub/Sub, MONITOR and
 * replication keep their single owner; only bytes move on the other threads.
 *
 * <p>Left to the loop: connections of a client not yet authenticated (parsing ahead of AUTH
 * would apply the wrong limits), replicas and the primary's link (replication writes their
 * sockets from its own threads), connections that are closing, and RDMA connections (their
 * readiness comes as completions, not selector keys).
 */
public final class IoBatch implements EventLoop.ReadyBatch {
    private final EventLoop loop;
    private final IoThreads threads;
    private final boolean doReads;
    private final List<StreamConnection> ready = new ArrayList<>();
    private final List<StreamConnection> writing = new ArrayList<>();

    public IoBatch(EventLoop loop, IoThreads threads, boolean doReads) {
        this.loop = loop;
        this.threads = threads;
        this.doReads = doReads;
    }

    @Override
    public boolean take(SelectionKey key) {
        if (key.attachment() instanceof TcpConnection c && key.isReadable() && c.ioThreadsMay()) {
            ready.add(c);
            return true;
        }
        return false;
    }

    @Override
    public void serve() {
        if (ready.isEmpty()) {
            return;
        }
        try {
            if (doReads) {
                threads.runAll(ready, StreamConnection::readAndParse, loop.readBuffer());
            } else {
                for (StreamConnection c : ready) {
                    c.readAndParse(loop.readBuffer());
                }
            }
            for (StreamConnection c : ready) {
                c.dispatchParsed();
            }
            for (StreamConnection c : ready) {
                if (c.hasOutput() && c.ioThreadsMay()) {
                    writing.add(c);
                } else {
                    // Nothing to write, or a connection that is closing or became a replica:
                    // the loop's own flush settles it, as after any read.
                    c.flush();
                }
            }
            threads.runAll(writing, StreamConnection::writeOut, loop.readBuffer());
            for (StreamConnection c : writing) {
                c.afterWrite();
            }
        } finally {
            ready.clear();
            writing.clear();
        }
    }
}
