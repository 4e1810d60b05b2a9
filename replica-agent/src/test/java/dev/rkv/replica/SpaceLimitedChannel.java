package dev.rkv.replica;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real file channel whose file system has room for a given number of bytes of writes, then
 * fails them as a full tmpfs does: the write that reaches the limit is short (it writes what
 * fits), and every write after it throws "No space left on device". Reads and mappings are
 * those of the real file, so the bytes that were written are really there and a hole reads as
 * zeros.
 */
final class SpaceLimitedChannel extends FileChannel {
    static final String ENOSPC = "No space left on device";

    private final FileChannel file;
    private final AtomicLong room;

    /**
     * Opens table copy files that share {@code budget} bytes of room, as files on one file system
     * do, on a system that cannot reserve blocks (no fallocate): the copy is staged, written range
     * by range, and a write past the budget fails.
     */
    static TableCopyFileOpener openerWithoutReservation(long budget) {
        return new Opener(new AtomicLong(budget), false);
    }

    /**
     * Opens table copy files that share {@code budget} bytes of room, where reserving blocks takes
     * room as fallocate does: a reservation past the budget fails with ENOSPC and takes nothing.
     */
    static TableCopyFileOpener opener(long budget) {
        return new Opener(new AtomicLong(budget), true);
    }

    private record Opener(AtomicLong room, boolean reserves) implements TableCopyFileOpener {
        @Override
        public FileChannel open(java.nio.file.Path f) throws IOException {
            return new SpaceLimitedChannel(TableCopyFileOpener.PLAIN.open(f), room);
        }

        @Override
        public BlockReservation.Result reserve(java.nio.file.Path file, long offset, long length) throws InterruptedException {
            if (!reserves) {
                return new BlockReservation.Result(BlockReservation.Outcome.UNAVAILABLE, "the test's file system cannot reserve");
            }
            if (room.addAndGet(-length) < 0) {
                room.addAndGet(length);
                return new BlockReservation.Result(BlockReservation.Outcome.NO_ROOM, "fallocate: " + ENOSPC);
            }
            return BlockReservation.reserve(file, offset, length);
        }
    }

    private SpaceLimitedChannel(FileChannel file, AtomicLong room) {
        this.file = file;
        this.room = room;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        int fits = (int) Math.min(src.remaining(), Math.max(0, room.get()));
        if (fits == 0 && src.hasRemaining()) {
            throw new IOException(ENOSPC);
        }
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + fits);
        int n = file.write(part, position);
        room.addAndGet(-n);
        src.position(src.position() + n);
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        throw new UnsupportedOperationException("the table copy writes at positions only");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        throw new UnsupportedOperationException("the table copy writes at positions only");
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        throw new UnsupportedOperationException("the table copy writes at positions only");
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return file.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return file.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return file.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        file.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return file.transferTo(position, count, target);
    }

    /** Mapping extends a file without writing to it (its pages are holes), as on tmpfs: it costs no room. */
    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return file.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }
}
