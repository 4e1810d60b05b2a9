package dev.rkv.rdma.shm;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.CompletionStatus;
import dev.rkv.rdma.Opcode;
import dev.rkv.rdma.WorkRequest;
import dev.rkv.rdma.soft.OneSided;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requester's view of one peer's regions: maps a region file the first time its rkey is
 * used and checks the header's state, access flags and bounds before every copy.
 */
final class ShmPeer implements OneSided.PeerMemory {
    /** A mapped peer region. */
    private record Mapped(ByteBuffer header, ByteBuffer data, long base, long length, int access) {
    }

    private final Path peerDir;
    private final ConcurrentHashMap<Integer, Mapped> regions = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ShmPeer(Path peerDir) {
        this.peerDir = peerDir;
    }

    @Override
    public CompletionStatus execute(WorkRequest wr, ByteBuffer[] local) {
        if (closed) {
            return CompletionStatus.WR_FLUSH_ERR;
        }
        int required = wr.opcode() == Opcode.READ ? Access.REMOTE_READ : Access.REMOTE_WRITE;
        Mapped m = lookup(wr.rkey());
        long len = wr.byteLength();
        if (m == null || !Access.allows(m.access, required) || wr.remoteAddress() < m.base
                || wr.remoteAddress() - m.base > m.length - len) {
            return CompletionStatus.REM_ACCESS_ERR;
        }
        // Acquire pairs with the owner's release at deregistration: once it is DEAD, no copy starts.
        if (ShmRegionDescriptor.getStateAcquire(m.header) != ShmRegionDescriptor.STATE_LIVE) {
            regions.remove(wr.rkey(), m);
            return CompletionStatus.REM_ACCESS_ERR;
        }
        int off = (int) (wr.remoteAddress() - m.base);
        for (ByteBuffer b : local) {
            int n = b.remaining();
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

    private Mapped lookup(int rkey) {
        Mapped m = regions.get(rkey);
        if (m == null) {
            // Misses are not cached: a bad rkey fails the endpoint anyway.
            m = open(rkey);
            if (m != null) {
                regions.put(rkey, m);
            }
        }
        return m;
    }

    /** Maps the region file of {@code rkey}; null if there is no such live region. */
    private Mapped open(int rkey) {
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
            ByteBuffer data;
            if (pathLength == 0) {
                if (fc.size() < dataOffset + length) {
                    return null;
                }
                data = fc.map(FileChannel.MapMode.READ_WRITE, dataOffset, length);
            } else {
                if (pathLength < 0 || pathLength > ShmRegionDescriptor.MAX_PATH) {
                    return null;
                }
                byte[] p = new byte[pathLength];
                header.get(ShmRegionDescriptor.PATH_OFFSET, p);
                try (FileChannel dfc = FileChannel.open(Path.of(new String(p, StandardCharsets.UTF_8)),
                        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    if (dfc.size() < dataOffset + length) {
                        return null;
                    }
                    data = dfc.map(FileChannel.MapMode.READ_WRITE, dataOffset, length);
                }
            }
            return new Mapped(header, data, base, length, access);
        } catch (IOException e) {
            // No such file (wrong rkey, deregistered) or not mappable: the access is refused.
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        regions.clear();
    }
}
