package dev.rkv.kvserver.repl;

import dev.rkv.kvserver.persist.RdbAux;
import dev.rkv.kvserver.persist.RdbWriter;
import dev.rkv.kvserver.store.DatabaseSnapshot;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One full sync, run off the event loop: serializes a snapshot taken at the FULLRESYNC
 * offset and sends it to one or more replicas.
 *
 * <ul>
 *   <li>Disk ({@code repl-diskless-sync no}): the RDB goes to a file first, then each replica
 *       gets {@code $<len>\r\n} and the file, in parallel. Replicas may join while the file is
 *       being written.</li>
 *   <li>Diskless: the RDB is streamed to every replica at once as {@code $EOF:<mark>\r\n},
 *       the RDB, then the 40-byte mark.</li>
 * </ul>
 * The event loop writes nothing to a target's socket until {@link Listener#sent} for it.
 */
final class FullSyncJob implements Runnable {
    static final int MARK_LENGTH = 40;

    /** Told, from the job's threads, how each target fared. */
    interface Listener {
        /** The RDB reached the replica (or failed to: {@code error} non-null). */
        void sent(FullSyncJob job, ReplicaHandle target, IOException error);

        /** The job is over: every target has been reported. */
        void finished(FullSyncJob job, long rdbBytes, IOException error);

        /** Blocks until the target's pending output (the +FULLRESYNC line) has been written; false if it closed. */
        boolean awaitDrained(ReplicaHandle target) throws InterruptedException;
    }

    private final long id;
    private final DatabaseSnapshot[] snapshot;
    /**
     * When the snapshot was taken. Entries are judged expired against this time, not the time
     * the RDB is written: a key alive at the snapshot may have had its expiry extended by a
     * write that the replica receives in the stream after the RDB, so it must be in the RDB.
     */
    private final long snapshotTimeMs = System.currentTimeMillis();
    private final RdbAux aux;
    private final boolean compress;
    private final Path diskFile;
    private final long timeoutMs;
    private final Listener listener;
    private final List<Target> targets = new ArrayList<>();
    private boolean joinable;

    private record Target(ReplicaHandle handle, ReplicaSink sink) {
    }

    /** {@code diskFile} null means diskless. */
    FullSyncJob(long id, DatabaseSnapshot[] snapshot, RdbAux aux, boolean compress, Path diskFile, long timeoutMs,
                Listener listener) {
        this.id = id;
        this.snapshot = snapshot;
        this.aux = aux;
        this.compress = compress;
        this.diskFile = diskFile;
        this.timeoutMs = timeoutMs;
        this.listener = listener;
        this.joinable = diskFile != null;
    }

    long id() {
        return id;
    }

    long offset() {
        return aux.replOffset();
    }

    boolean diskless() {
        return diskFile == null;
    }

    /** Adds a target; false once the RDB is complete (disk) or streaming started (diskless). */
    synchronized boolean addTarget(ReplicaHandle h, ReplicaSink sink) {
        if (!targets.isEmpty() && !joinable) {
            return false;
        }
        targets.add(new Target(h, sink));
        return true;
    }

    synchronized boolean joinable() {
        return joinable;
    }

    private synchronized List<Target> closeTargets() {
        joinable = false;
        return new ArrayList<>(targets);
    }

    @Override
    public void run() {
        long rdbBytes = 0;
        IOException failure = null;
        try {
            rdbBytes = diskless() ? streamDiskless() : writeFileAndSend();
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            failure = new IOException("sync interrupted", e);
            Thread.currentThread().interrupt();
        } finally {
            DatabaseSnapshot.releaseAll(snapshot);
            if (diskFile != null) {
                try {
                    Files.deleteIfExists(diskFile);
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
        }
        listener.finished(this, rdbBytes, failure);
    }

    private long writeFileAndSend() throws IOException, InterruptedException {
        long bytes;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(diskFile), 1 << 20)) {
            bytes = new RdbWriter(compress).write(snapshot, aux, out, snapshotTimeMs);
        } catch (IOException e) {
            for (Target t : closeTargets()) {
                listener.sent(this, t.handle(), e);
            }
            throw e;
        }
        List<Target> all = closeTargets();
        List<Thread> senders = new ArrayList<>();
        for (Target t : all) {
            Thread th = new Thread(() -> sendFile(t), "rkv-repl-send-" + id + "-" + t.handle().client().id());
            th.setDaemon(true);
            th.start();
            senders.add(th);
        }
        for (Thread th : senders) {
            th.join();
        }
        return bytes;
    }

    private void sendFile(Target t) {
        IOException error = null;
        try (FileChannel file = FileChannel.open(diskFile, StandardOpenOption.READ);
             ChannelWriter w = new ChannelWriter(t.sink(), timeoutMs)) {
            if (!listener.awaitDrained(t.handle())) {
                throw new IOException("replica closed before the RDB was sent");
            }
            long size = file.size();
            w.write(ByteBuffer.wrap(("$" + size + "\r\n").getBytes(StandardCharsets.US_ASCII)));
            w.transferFrom(file, 0, size);
        } catch (IOException e) {
            error = e;
        } catch (InterruptedException e) {
            error = new IOException("sync interrupted", e);
            Thread.currentThread().interrupt();
        }
        listener.sent(this, t.handle(), error);
    }

    private long streamDiskless() throws IOException, InterruptedException {
        List<Target> all = closeTargets();
        byte[] mark = ReplicationIds.random().getBytes(StandardCharsets.US_ASCII);
        FanOut out = new FanOut();
        for (Target t : all) {
            if (listener.awaitDrained(t.handle())) {
                out.add(t);
            } else {
                listener.sent(this, t.handle(), new IOException("replica closed before the RDB was sent"));
            }
        }
        out.write(("$EOF:" + new String(mark, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        long bytes;
        try (BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 20)) {
            bytes = new RdbWriter(compress).write(snapshot, aux, buffered, snapshotTimeMs);
            buffered.flush();
            out.write(mark);
        } finally {
            out.finish();
        }
        return bytes;
    }

    /**
     * Writes every buffer to every live target at once: each socket takes what it can whenever
     * it can, so one replica's full socket buffer does not idle the others. A target that fails
     * or takes nothing for the timeout is reported and dropped.
     */
    private final class FanOut extends OutputStream {
        private final List<Target> live = new ArrayList<>();
        private Selector selector;

        void add(Target t) {
            live.add(t);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Map<Target, ByteBuffer> pending = new LinkedHashMap<>();
            for (Target t : live) {
                pending.put(t, ByteBuffer.wrap(b, off, len));
            }
            long idleSince = System.currentTimeMillis();
            while (!pending.isEmpty()) {
                boolean progress = false;
                for (Iterator<Map.Entry<Target, ByteBuffer>> it = pending.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<Target, ByteBuffer> e = it.next();
                    try {
                        if (e.getKey().sink() instanceof ReplicaSink.Rdma rdma) {
                            rdma.poll();
                        }
                        if (e.getKey().sink().channel().write(e.getValue()) > 0) {
                            progress = true;
                        }
                        if (!e.getValue().hasRemaining()) {
                            it.remove();
                        }
                    } catch (IOException x) {
                        it.remove();
                        drop(e.getKey(), x);
                    }
                }
                if (pending.isEmpty()) {
                    break;
                }
                long now = System.currentTimeMillis();
                if (progress) {
                    idleSince = now;
                } else if (now - idleSince > timeoutMs) {
                    for (Target t : new ArrayList<>(pending.keySet())) {
                        drop(t, new IOException("replica took no data for " + timeoutMs + " ms"));
                    }
                    break;
                }
                awaitWritable(pending.keySet());
            }
            if (live.isEmpty()) {
                throw new IOException("every replica of sync job " + id + " went away");
            }
        }

        private void awaitWritable(java.util.Set<Target> waiting) throws IOException {
            if (selector == null) {
                selector = Selector.open();
            }
            // RDMA replicas have no writable event: when one waits, sleep only briefly and poll again.
            long waitMs = 1000;
            for (Target t : live) {
                if (t.sink() instanceof ReplicaSink.Tcp tcp) {
                    SelectionKey k = tcp.socket().keyFor(selector);
                    if (k == null) {
                        k = tcp.socket().register(selector, 0);
                    }
                    k.interestOps(waiting.contains(t) ? SelectionKey.OP_WRITE : 0);
                } else if (waiting.contains(t)) {
                    waitMs = 1;
                }
            }
            selector.select(waitMs);
            selector.selectedKeys().clear();
        }

        private void drop(Target t, IOException cause) {
            live.remove(t);
            if (selector != null && t.sink() instanceof ReplicaSink.Tcp tcp) {
                SelectionKey k = tcp.socket().keyFor(selector);
                if (k != null) {
                    k.cancel();
                }
            }
            listener.sent(FullSyncJob.this, t.handle(), cause);
        }

        /** Reports the targets still live as sent. */
        void finish() throws IOException {
            if (selector != null) {
                selector.close();
            }
            for (Target t : live) {
                listener.sent(FullSyncJob.this, t.handle(), null);
            }
            live.clear();
        }
    }
}
