package dev.rkv.replica;

import dev.rkv.table.TableGeometry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The replica's own copy of the primary's slot classes, kept as the home of the string values
 * it loads: a value is referenced where its bytes are, never copied onto the heap, so a pull
 * costs the transfer, a checksum and an index entry per key, and the collector never copies
 * the dataset.
 *
 * <p>The copy is a file in shared memory ({@code /dev/shm}), unlinked as soon as it is open, so
 * that nothing outlives the process. Each pulled range is written into it from the staging
 * buffer its READ landed in, and the file is mapped read-only for the values to be read from.
 * Why a file rather than memory of our own: what costs most in taking a gigabyte of fresh memory
 * is the page fault per 4 KiB page on first touch (about 10 us each on the virtual machines this
 * project measures on, 3+ s per GB), while a write into the file lets the kernel allocate the
 * pages without faulting (0.3 s per GB there). A mapped page faults once, later, when a command
 * first reads a value in it.
 *
 * <p>The mappings are in chunks of whole slots of one class (a buffer is indexed by int), each
 * a multiple of the slots per READ so that no READ straddles two. They stay valid after
 * {@link #close()} for as long as a value refers to them, and are unmapped by the collector
 * after that: a dataset that is replaced, or a snapshot still writing the old one, never reads
 * unmapped memory.
 */
final class AdoptedTable implements AutoCloseable {
    static final int CHUNK_BYTES = 1 << 30;

    private final TableGeometry geometry;
    private final int readBytes;
    private final FileChannel file;
    /** Per class: slots per chunk (a multiple of the slots per READ). */
    private final long[] slotsPerChunk;
    /** Per class: the file position of its first slot. */
    private final long[] classPositions;
    private final List<List<MappedByteBuffer>> chunks = new ArrayList<>();
    private final long bytes;
    /** Bytes of the ranges stored whole: the only ones a value may refer to. */
    private long storedBytes;

    private AdoptedTable(TableGeometry geometry, int readBytes, FileChannel file, int chunkBytes) throws IOException {
        this.geometry = geometry;
        this.readBytes = readBytes;
        this.file = file;
        this.slotsPerChunk = new long[geometry.classCount()];
        this.classPositions = new long[geometry.classCount()];
        long position = 0;
        for (int c = 0; c < geometry.classCount(); c++) {
            int size = geometry.slotSize(c);
            long perRead = Math.max(1, readBytes / size);
            long spc = perRead * Math.max(1, chunkBytes / (perRead * size));
            slotsPerChunk[c] = spc;
            classPositions[c] = position;
            List<MappedByteBuffer> list = new ArrayList<>();
            for (long first = 0; first < geometry.slotCount(c); first += spc) {
                long length = Math.min(spc, geometry.slotCount(c) - first) * size;
                // Mapping reserves addresses only: no page is touched until a value is read.
                list.add(file.map(FileChannel.MapMode.READ_ONLY, position, length));
                position += length;
            }
            chunks.add(list);
        }
        this.bytes = position;
    }

    /**
     * A copy in {@code directory} for the slot classes of {@code geometry}, of which the pull will
     * store {@code needed} bytes (the file is sparse: slots never stored cost nothing), or null
     * when there is no such directory or it has no room for them (the caller copies values onto
     * the heap instead).
     */
    static AdoptedTable createOrNull(Path directory, TableGeometry geometry, int readBytes, long needed) {
        return createOrNull(directory, geometry, readBytes, needed, CHUNK_BYTES);
    }

    /** {@link #createOrNull(Path, TableGeometry, int, long)} with mappings of at most {@code chunkBytes} (tests use small ones). */
    static AdoptedTable createOrNull(Path directory, TableGeometry geometry, int readBytes, long needed, int chunkBytes) {
        return createOrNull(directory, geometry, readBytes, needed, chunkBytes, TableCopyFileOpener.PLAIN);
    }

    /** {@link #createOrNull(Path, TableGeometry, int, long, int)} with the file opened by {@code opener}. */
    static AdoptedTable createOrNull(Path directory, TableGeometry geometry, int readBytes, long needed, int chunkBytes,
                                     TableCopyFileOpener opener) {
        FileChannel ch = null;
        try {
            if (directory == null || !Files.isDirectory(directory)) {
                return null;
            }
            if (Files.getFileStore(directory).getUsableSpace() < needed) {
                // The copy of a dataset this replica replaced is unmapped (and its memory freed) only when the collector
                // finds it unreferenced, which a quiet heap may not do for a long time: ask once before giving up.
                System.gc();
                Thread.sleep(100);
                if (Files.getFileStore(directory).getUsableSpace() < needed) {
                    return null;
                }
            }
            Path f = Files.createTempFile(directory, "rkv-replica-table-", "");
            try {
                ch = opener.open(f);
            } finally {
                Files.deleteIfExists(f);
            }
            return new AdoptedTable(geometry, readBytes, ch, chunkBytes);
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(ch);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    long bytes() {
        return bytes;
    }

    /** Bytes of the ranges stored so far (the file's other pages are holes, or a range whose store failed). */
    long storedBytes() {
        return storedBytes;
    }

    /**
     * Stores the bytes of {@code r} (a range of one class, as {@link TableGeometry#pullPlan} makes
     * them) from the buffer its READ landed in, and returns where they now are: a read-only view
     * with the same offsets as {@code landed}, valid as long as it is referenced.
     *
     * @throws IOException when the file takes no more (its file system is full, typically): part
     *         of the range may have been written, but nothing of it may be referenced, because
     *         reading an unwritten page of a tmpfs mapping when the tmpfs is full is a SIGBUS.
     *         Ranges stored before stay valid (their pages exist).
     */
    ByteBuffer store(TableGeometry.PullRange r, ByteBuffer landed) throws IOException {
        if (landed.remaining() != r.length()) {
            throw new IllegalArgumentException("a range of " + r.length() + " bytes landed as " + landed.remaining());
        }
        long position = position(r);
        ByteBuffer src = landed.duplicate();
        while (src.hasRemaining()) {
            file.write(src, position + src.position() - landed.position());
        }
        storedBytes += r.length();
        int at = (int) ((r.firstSlot() % slotsPerChunk[r.classId()]) * geometry.slotSize(r.classId()));
        return chunk(r).slice(at, (int) r.length());
    }

    private long position(TableGeometry.PullRange r) {
        if (r.isOverflow()) {
            throw new IllegalArgumentException("the overflow area is not adopted");
        }
        long spc = slotsPerChunk[r.classId()];
        if (r.slotCount() > spc - r.firstSlot() % spc) {
            throw new IllegalArgumentException("a range of " + r.slotCount() + " slots from " + r.firstSlot() + " crosses a chunk of "
                + spc + " slots (READ size " + readBytes + ")");
        }
        return classPositions[r.classId()] + r.firstSlot() * geometry.slotSize(r.classId());
    }

    private MappedByteBuffer chunk(TableGeometry.PullRange r) {
        return chunks.get(r.classId()).get((int) (r.firstSlot() / slotsPerChunk[r.classId()]));
    }

    /** Closes the file; the mappings stay readable for every value that refers to them. */
    @Override
    public void close() {
        closeQuietly(file);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Nothing was written that anyone reads through the channel.
            }
        }
    }
}
