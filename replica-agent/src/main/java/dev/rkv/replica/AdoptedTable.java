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
 * <p>The copy is a file in shared memory ({@code /dev/shm}), unlinked as soon as it is open and
 * its blocks reserved, so that nothing outlives the process. It fills one of two ways:
 * <ul>
 * <li><b>direct</b> (the blocks of every range the pull will READ were reserved with
 * {@link BlockReservation}): the puller registers the mappings and READs each range straight
 * into them ({@link #landed}); no copy after the transfer, and a tmpfs that fills up later
 * cannot take a reserved page away, so a READ never faults on a missing one;
 * <li><b>staged</b> (no reservation possible): each range is READ into a staging buffer and
 * written into the file ({@link #store}); a write the file system refuses stops adoption at
 * that range, and only ranges written whole are ever referred to (reading a never-written page
 * of a full tmpfs mapping would be a SIGBUS).
 * </ul>
 * Values read the mappings through read-only views. Why a file rather than memory of our own:
 * what costs most in taking a gigabyte of fresh memory is the page fault per 4 KiB page on first
 * touch, while fallocate (or a write into the file) lets the kernel allocate the pages without
 * faulting. A reserved page still faults once, cheaply, on its first write through the mapping.
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
    /** Per class: the index of its first chunk in {@link #mappings()}. */
    private final int[] firstChunk;
    private final long bytes;
    /** Whether the blocks of every planned range exist (direct mode); why not, otherwise. */
    private BlockReservation.Result reservation = new BlockReservation.Result(BlockReservation.Outcome.UNAVAILABLE, "not reserved");
    /** Bytes of the ranges stored whole: the only ones a value may refer to. */
    private long storedBytes;

    private AdoptedTable(TableGeometry geometry, int readBytes, FileChannel file, int chunkBytes) throws IOException {
        this.geometry = geometry;
        this.readBytes = readBytes;
        this.file = file;
        this.slotsPerChunk = new long[geometry.classCount()];
        this.classPositions = new long[geometry.classCount()];
        this.firstChunk = new int[geometry.classCount()];
        long position = 0;
        int flat = 0;
        for (int c = 0; c < geometry.classCount(); c++) {
            int size = geometry.slotSize(c);
            long perRead = Math.max(1, readBytes / size);
            long spc = perRead * Math.max(1, chunkBytes / (perRead * size));
            slotsPerChunk[c] = spc;
            classPositions[c] = position;
            firstChunk[c] = flat;
            List<MappedByteBuffer> list = new ArrayList<>();
            for (long first = 0; first < geometry.slotCount(c); first += spc) {
                long length = Math.min(spc, geometry.slotCount(c) - first) * size;
                // Mapping reserves addresses only: no page is touched until a READ lands or a value is read. Writable
                // for direct READs; values get read-only views.
                list.add(file.map(FileChannel.MapMode.READ_WRITE, position, length));
                position += length;
                flat++;
            }
            chunks.add(list);
        }
        this.bytes = position;
    }

    /**
     * A copy in {@code directory} for the slot classes of {@code geometry}, of which the pull will
     * READ the ranges of {@code plan} (the file is sparse: slots never pulled cost nothing), with
     * those ranges' blocks reserved when the file system allows ({@link #direct()}), or null when
     * there is no such directory or it has no room for them (the caller copies values onto the
     * heap instead).
     */
    static AdoptedTable createOrNull(Path directory, TableGeometry geometry, int readBytes, List<TableGeometry.PullRange> plan) {
        return createOrNull(directory, geometry, readBytes, plan, CHUNK_BYTES, TableCopyFileOpener.PLAIN);
    }

    /**
     * {@link #createOrNull(Path, TableGeometry, int, List)} with mappings of at most {@code chunkBytes}
     * (tests use small ones) and the file opened and reserved by {@code opener}.
     */
    static AdoptedTable createOrNull(Path directory, TableGeometry geometry, int readBytes, List<TableGeometry.PullRange> plan,
                                     int chunkBytes, TableCopyFileOpener opener) {
        FileChannel ch = null;
        try {
            if (directory == null || !Files.isDirectory(directory)) {
                return null;
            }
            long needed = plan.stream().mapToLong(TableGeometry.PullRange::length).sum();
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
            AdoptedTable t;
            try {
                ch = opener.open(f);
                t = new AdoptedTable(geometry, readBytes, ch, chunkBytes);
                // Reserved while the file still has a name (fallocate(1) opens it by path).
                t.reservation = t.reserve(f, plan, opener);
            } finally {
                Files.deleteIfExists(f);
            }
            if (t.reservation.outcome() == BlockReservation.Outcome.NO_ROOM) {
                // The space the check above saw was taken meanwhile: a staged copy would stop at once as well.
                t.close();
                return null;
            }
            return t;
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(ch);
            return null;
        } catch (InterruptedException e) {
            closeQuietly(ch);
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Reserves the file's blocks under every range of {@code plan}, adjacent ranges as one span. */
    private BlockReservation.Result reserve(Path f, List<TableGeometry.PullRange> plan, TableCopyFileOpener opener)
        throws InterruptedException {
        long spanStart = -1;
        long spanEnd = -1;
        for (TableGeometry.PullRange r : plan) {
            long at = position(r);
            if (at != spanEnd) {
                if (spanStart >= 0) {
                    BlockReservation.Result res = opener.reserve(f, spanStart, spanEnd - spanStart);
                    if (res.outcome() != BlockReservation.Outcome.RESERVED) {
                        return res;
                    }
                }
                spanStart = at;
            }
            spanEnd = at + r.length();
        }
        return spanStart < 0 ? new BlockReservation.Result(BlockReservation.Outcome.UNAVAILABLE, "nothing to reserve")
            : opener.reserve(f, spanStart, spanEnd - spanStart);
    }

    /** Whether every planned range's blocks are reserved: READs may land in {@link #mappings()} directly. */
    boolean direct() {
        return reservation.outcome() == BlockReservation.Outcome.RESERVED;
    }

    /** Why the copy is not {@link #direct()} ("" when it is). */
    String whyStaged() {
        return reservation.detail();
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
        return home(r);
    }

    /**
     * The writable mappings, every class's chunks in order, for a direct copy's READs to land in:
     * range {@code r} lands in mapping {@link #chunkIndex} at {@link #offsetInChunk}.
     */
    List<ByteBuffer> mappings() {
        List<ByteBuffer> all = new ArrayList<>();
        for (List<MappedByteBuffer> list : chunks) {
            all.addAll(list);
        }
        return all;
    }

    int chunkIndex(TableGeometry.PullRange r) {
        position(r);
        return firstChunk[r.classId()] + (int) (r.firstSlot() / slotsPerChunk[r.classId()]);
    }

    int offsetInChunk(TableGeometry.PullRange r) {
        return (int) ((r.firstSlot() % slotsPerChunk[r.classId()]) * geometry.slotSize(r.classId()));
    }

    /**
     * Takes the bytes of {@code r}, which a READ wrote into its place in {@link #mappings()} and
     * which completed, as stored; returns their read-only home as {@link #store} does. Only for a
     * {@link #direct()} copy: in any other, the place may have no pages.
     */
    ByteBuffer landed(TableGeometry.PullRange r) {
        if (!direct()) {
            throw new IllegalStateException("a READ landed in a table copy whose blocks are not reserved (" + whyStaged() + ")");
        }
        position(r);
        storedBytes += r.length();
        return home(r);
    }

    private ByteBuffer home(TableGeometry.PullRange r) {
        return chunk(r).slice(offsetInChunk(r), (int) r.length()).asReadOnlyBuffer();
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
