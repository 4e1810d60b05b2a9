package dev.rkv.rdma.shm;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.CompletionStatus;
import dev.rkv.rdma.Opcode;
import dev.rkv.rdma.WorkRequest;
import dev.rkv.rdma.soft.OneSided;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The requester's view of one peer's regions: maps a region file the first time its rkey is
 * used and checks the header's state, access flags and bounds before every copy.
 *
 * <p>A large READ is a positional read of the region's file ({@code pread}) rather than a copy
 * from the mapping: the mapping would fault in every 4 KiB page of the peer's region on first
 * touch (about 10 us each under virtualization, so several seconds for a gigabyte-sized table,
 * and the whole region added to this process's RSS), while the kernel copies from its page cache
 * without touching our page tables. Small accesses (an index entry, one slot) stay on the mapping.
 *
 * <p>Requests run on the posting thread, but an interrupt of that thread is not for them (a NIC
 * would not see it): it is held back while a request executes ({@link HeldInterrupt}) and set
 * again after, so it reaches the thread's next wait. An interrupt that arrives during a
 * {@code pread} still closes the channel (FileChannel's rule): that READ finishes from the
 * mapping, and the channel is opened again for the READs after it, whichever thread posts them.
 */
final class ShmPeer implements OneSided.PeerMemory {
    /** A mapped peer region. */
    private static final class Mapped {
        // A class, not a record: ConcurrentHashMap.remove(key, value) must compare identities, never region contents.
        final ByteBuffer header;
        final ByteBuffer data;
        final Path dataFile;
        /** For {@code pread}: replaced when an interrupt closed it (the mapping outlives it). */
        final AtomicReference<FileChannel> file;
        final long dataOffset;
        final long base;
        final long length;
        final int access;

        Mapped(ByteBuffer header, ByteBuffer data, Path dataFile, FileChannel file, long dataOffset, long base, long length, int access) {
            this.header = header;
            this.data = data;
            this.dataFile = dataFile;
            this.file = new AtomicReference<>(file);
            this.dataOffset = dataOffset;
            this.base = base;
            this.length = length;
            this.access = access;
        }
    }

    /** READs of at least this many bytes go through {@code pread}. */
    static final int PREAD_BYTES = 16 << 10;

    private final Path peerDir;
    private final ConcurrentHashMap<Integer, Mapped> regions = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ShmPeer(Path peerDir) {
        this.peerDir = peerDir;
    }

    @Override
    public CompletionStatus execute(WorkRequest wr, ByteBuffer[] local) {
        try (HeldInterrupt interrupt = HeldInterrupt.hold()) {
            return execute(wr, local, interrupt);
        }
    }

    private CompletionStatus execute(WorkRequest wr, ByteBuffer[] local, HeldInterrupt interrupt) {
        if (closed) {
            return CompletionStatus.WR_FLUSH_ERR;
        }
        int required = wr.opcode() == Opcode.READ ? Access.REMOTE_READ : Access.REMOTE_WRITE;
        Mapped m = lookup(wr.rkey(), interrupt);
        long len = wr.byteLength();
        if (m == null || !Access.allows(m.access, required) || wr.remoteAddress() < m.base
                || wr.remoteAddress() - m.base > m.length - len) {
            return CompletionStatus.REM_ACCESS_ERR;
        }
        // Acquire pairs with the owner's release at deregistration: once it is DEAD, no copy starts.
        if (ShmRegionDescriptor.getStateAcquire(m.header) != ShmRegionDescriptor.STATE_LIVE) {
            if (regions.remove(wr.rkey(), m)) {
                closeQuietly(m.file.get());
            }
            return CompletionStatus.REM_ACCESS_ERR;
        }
        int off = (int) (wr.remoteAddress() - m.base);
        for (ByteBuffer b : local) {
            int n = b.remaining();
            if (wr.opcode() == Opcode.READ && n >= PREAD_BYTES) {
                CompletionStatus st = pread(wr.rkey(), m, b.duplicate(), off, interrupt);
                if (st != CompletionStatus.SUCCESS) {
                    return st;
                }
                off += n;
                continue;
            }
            ByteBuffer remote = m.data.slice(off, n);
            if (wr.opcode() == Opcode.READ) {
                b.duplicate().put(remote);
            } else {
                remote.put(b.duplicate());
            }
            off += n;
        }
        return CompletionStatus.SUCCESS;
    }

    private CompletionStatus pread(int rkey, Mapped m, ByteBuffer into, int off, HeldInterrupt interrupt) {
        int start = into.position();
        FileChannel ch = m.file.get();
        try {
            while (into.hasRemaining()) {
                if (ch.read(into, m.dataOffset + off + (into.position() - start)) < 0) {
                    // The file is shorter than its header says: not a region we may read.
                    return CompletionStatus.REM_ACCESS_ERR;
                }
            }
            return CompletionStatus.SUCCESS;
        } catch (ClosedChannelException e) {
            if (closed) {
                // This peer is closing with its endpoint: the request is flushed, as the endpoint's others are.
                return CompletionStatus.WR_FLUSH_ERR;
            }
            // An interrupt closed the channel: this thread's, arrived during the read (ClosedByInterruptException), or
            // another thread's on the channel they share (AsynchronousCloseException, or closed before this read began).
            // Nothing is wrong with the region: the rest is copied from its mapping, which a channel's close leaves valid.
            interrupt.takeAgain();
            into.put(m.data.slice(off + (into.position() - start), into.remaining()));
            reopen(rkey, m, ch);
            return CompletionStatus.SUCCESS;
        } catch (IOException e) {
            // The kernel failed the read of a region that is there (an I/O error): the responder's failure, not a flush.
            return CompletionStatus.REM_OP_ERR;
        }
    }

    /**
     * Gives {@code m} a new channel in place of {@code dead}, which an interrupt closed, so that
     * later large READs are preads again. Opening a file is not interruptible; the loser of a
     * race, or a region meanwhile dropped or a peer closed, closes its fresh channel.
     */
    private void reopen(int rkey, Mapped m, FileChannel dead) {
        if (m.file.get() != dead) {
            return;
        }
        FileChannel fresh;
        try {
            fresh = FileChannel.open(m.dataFile, StandardOpenOption.READ);
        } catch (IOException e) {
            // The file is gone (deregistered: the next request finds the region dead); until a reopen works, READs copy
            // from the mapping.
            return;
        }
        if (!m.file.compareAndSet(dead, fresh) || closed || regions.get(rkey) != m) {
            closeQuietly(fresh);
        }
    }

    private Mapped lookup(int rkey, HeldInterrupt interrupt) {
        Mapped m = regions.get(rkey);
        if (m == null) {
            // Misses are not cached: a bad rkey fails the endpoint anyway.
            m = openDespiteInterrupts(rkey, interrupt);
            if (m != null) {
                Mapped raced = regions.putIfAbsent(rkey, m);
                if (raced != null) {
                    closeQuietly(m.file.get());
                    m = raced;
                } else if (closed) {
                    // close() cleared the map before this put: nobody else would close this channel.
                    regions.remove(rkey, m);
                    closeQuietly(m.file.get());
                    return null;
                }
            }
        }
        return m;
    }

    /**
     * {@link #open}, again as long as an interrupt that arrived meanwhile closed a channel it
     * used: the region is not at fault, and refusing it would fail the endpoint. Each attempt
     * fails only if yet another interrupt arrives within it.
     */
    private Mapped openDespiteInterrupts(int rkey, HeldInterrupt interrupt) {
        while (true) {
            try {
                return open(rkey);
            } catch (ClosedByInterruptException e) {
                interrupt.takeAgain();
            }
        }
    }

    /**
     * Maps the region file of {@code rkey}; null if there is no such live region.
     *
     * @throws ClosedByInterruptException when an interrupt of this thread closed a channel meanwhile
     */
    private Mapped open(int rkey) throws ClosedByInterruptException {
        Path file = peerDir.resolve(ShmRegionDescriptor.fileName(rkey));
        try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (fc.size() < ShmRegionDescriptor.HEADER_SIZE) {
                return null;
            }
            ByteBuffer header = fc.map(FileChannel.MapMode.READ_WRITE, 0, ShmRegionDescriptor.HEADER_SIZE);
            if (ShmRegionDescriptor.getStateAcquire(header) != ShmRegionDescriptor.STATE_LIVE
                    || header.getInt(ShmRegionDescriptor.MAGIC_OFFSET) != ShmRegionDescriptor.MAGIC
                    || header.getInt(ShmRegionDescriptor.RKEY_OFFSET) != rkey) {
                return null;
            }
            long base = header.getLong(ShmRegionDescriptor.BASE_OFFSET);
            long length = header.getLong(ShmRegionDescriptor.LENGTH_OFFSET);
            long dataOffset = header.getLong(ShmRegionDescriptor.DATA_OFFSET_OFFSET);
            int access = header.getInt(ShmRegionDescriptor.ACCESS_OFFSET);
            int pathLength = header.getInt(ShmRegionDescriptor.PATH_LENGTH_OFFSET);
            Path dataFile = file;
            if (pathLength != 0) {
                if (pathLength < 0 || pathLength > ShmRegionDescriptor.MAX_PATH) {
                    return null;
                }
                byte[] p = new byte[pathLength];
                header.get(ShmRegionDescriptor.PATH_OFFSET, p);
                dataFile = Path.of(new String(p, StandardCharsets.UTF_8));
            }
            FileChannel dfc = FileChannel.open(dataFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                if (dfc.size() < dataOffset + length) {
                    closeQuietly(dfc);
                    return null;
                }
                ByteBuffer data = dfc.map(FileChannel.MapMode.READ_WRITE, dataOffset, length);
                return new Mapped(header, data, dataFile, dfc, dataOffset, base, length, access);
            } catch (IOException | RuntimeException e) {
                closeQuietly(dfc);
                throw e;
            }
        } catch (ClosedByInterruptException e) {
            throw e;
        } catch (IOException e) {
            // No such file (wrong rkey, deregistered) or not mappable: the access is refused.
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        regions.values().forEach(m -> closeQuietly(m.file.get()));
        regions.clear();
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Read-only use: nothing to lose.
        }
    }
}
