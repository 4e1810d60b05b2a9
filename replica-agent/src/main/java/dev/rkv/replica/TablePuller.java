package dev.rkv.replica;

import dev.rkv.kvserver.repl.AcceleratedSync;
import dev.rkv.kvserver.store.RegionString;
import dev.rkv.kvserver.store.ValueArea;
import dev.rkv.rdma.Access;
import dev.rkv.rdma.Completion;
import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.ListenerFullException;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.ScatterGatherEntry;
import dev.rkv.rdma.WorkRequest;
import dev.rkv.table.HeaderRead;
import dev.rkv.table.KeyHash;
import dev.rkv.table.TableGeometry;
import dev.rkv.table.TableHeader;
import dev.rkv.table.TableReader;
import dev.rkv.table.layout.ExtentStatus;
import dev.rkv.table.layout.IndexDescriptor;
import dev.rkv.table.layout.OverflowDescriptor;
import dev.rkv.table.layout.SlotDescriptor;
import dev.rkv.table.layout.SlotStatus;
import dev.rkv.table.layout.SlotView;
import dev.rkv.table.layout.TableHeaderDescriptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.rkv.table.layout.LayoutBuffers.getLong;

/**
 * One pull of a primary's table, on the calling thread: reads the header (offset O, epoch E),
 * READs every slot class in large READs with many outstanding over several endpoints and
 * decodes each range as it lands, reads again every torn or corrupt slot, fetches overflow
 * extents, then checks the result against the index (a key that moved into a range already
 * pulled is fetched from where the index says it now is) and reads the header again.
 *
 * <p>Everything it loads goes through a {@link DatasetLoader}; the caller swaps the keyspace
 * in only when {@link #pull} returns normally.
 */
final class TablePuller implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TablePuller.class.getName());

    /** The table changed epoch (grew, was rebuilt) or was retired during the pull: start over with a new descriptor. */
    static final class EpochChanged extends IOException {
        EpochChanged(String message) {
            super(message);
        }
    }

    /** A READ was refused with a remote access error: a wrong rkey, or a region the primary replaced. */
    static final class AccessRefused extends IOException {
        AccessRefused(String message) {
            super(message);
        }
    }

    /** Hooks for progress and for tests that act between phases. */
    interface Listener {
        /** The bytes the bulk phase will READ (the slot classes up to their written bounds). */
        default void planned(long bytes) {
        }

        default void header(TableHeader header) {
        }

        default void pulled(long bytes) {
        }

        default void loaded(long keys) {
        }

        /** After the bulk READs, before torn slots are read again. */
        default void bulkDone(int tornSlots) {
        }
    }

    private final RdmaDevice device;
    private final Descriptor descriptor;
    private final ReplicaAgentOptions options;
    private final PullLimits limits;
    private final CompletionQueue cq;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final MemoryRegion staging;
    private final TableCopyFileOpener tableCopyFiles;
    /** Where the loaded strings stay; null: copy mode (no table copy, or it stopped taking ranges). */
    private AdoptedTable adopted;
    /** Bytes stored in the adopted table; kept when adoption stops (the values stored before stay there). */
    private long adoptedBytes;
    /** The adopted table's mappings registered as READ destinations (direct mode); null: READs land in staging. */
    private MemoryRegion[] destinations;
    /** How the table copy was filled, for INFO: "direct", "staged (why)" or "none". */
    private String tableCopyMode = "none";
    /** How this pull keeps its strings, for INFO: see {@link #adoption()}. */
    private String adoption = "none (no pull yet)";
    private final int buffers;
    private final Completion[] completions;
    private long nextWrId = 1;
    private long bytesPulled;
    private long tornReads;
    /**
     * Where the bulk phase's time went: waiting for READs, storing ranges in the adopted table
     * (staged copy only), verifying slots and preparing their keys and entries, handing records to
     * the loader (waiting for it when it falls behind).
     */
    private long waitNanos;
    private long storeNanos;
    private long verifyNanos;
    private long handOffNanos;
    private final StringBuilder phases = new StringBuilder();
    private long phaseStart = System.nanoTime();

    /** Milliseconds of each phase of the last pull, for tools: "connect=3 bulk=812 ...". */
    String phases() {
        return phases.toString().trim();
    }

    private void phase(String name) {
        long now = System.nanoTime();
        phases.append(name).append('=').append((now - phaseStart) / 1_000_000).append(' ');
        phaseStart = now;
    }

    TablePuller(RdmaDevice device, Descriptor descriptor, ReplicaAgentOptions options) throws IOException {
        this(device, descriptor, options, TableCopyFileOpener.PLAIN);
    }

    /** A puller whose table copy files are opened by {@code tableCopyFiles} (tests make them run out of space). */
    TablePuller(RdmaDevice device, Descriptor descriptor, ReplicaAgentOptions options, TableCopyFileOpener tableCopyFiles)
        throws IOException {
        this.tableCopyFiles = tableCopyFiles;
        this.device = device;
        this.descriptor = descriptor;
        this.options = options;
        this.limits = new PullLimits(options);
        this.buffers = options.endpoints() * options.outstanding();
        this.completions = new Completion[Math.max(16, buffers)];
        this.cq = device.createCompletionQueue(Math.max(64, options.endpoints() * (options.outstanding() + 2)));
        MemoryRegion s = null;
        try {
            // A primary that never answers the connection, or stops answering READs, fails the pull after the
            // pull timeout rather than the provider's own (longer) defaults.
            EndpointOptions base = EndpointOptions.of(cq).withDepths(options.outstanding(), 1);
            Duration timeout = Duration.ofMillis(options.stallMillis());
            // The transport timeout runs from a READ's post, the completion wait from the last completion: with
            // both at the pull timeout a stalled primary was reported as either "gone" (RETRY_EXC_ERR) or "no
            // READ completed", by a race. Half as long again leaves a stall to the completion wait; a peer
            // whose connection closes still fails the READs at once.
            Duration transport = timeout.plus(timeout.dividedBy(2));
            EndpointOptions opts = base.withTimeouts(timeout, base.rnrTimeout(), transport);
            for (int i = 0; i < options.endpoints(); i++) {
                endpoints.add(device.connect(descriptor.host(), descriptor.port(), opts));
            }
            s = device.allocate((long) buffers * options.readBytes(), Access.LOCAL_WRITE);
        } catch (ListenerFullException e) {
            // Others hold every endpoint the primary agent allows (possibly on purpose): this sync goes the classic way
            // rather than waiting for a slot that may never free.
            closeEndpoints();
            cq.close();
            throw new AcceleratedSync.Unavailable("the primary agent's RDMA listener is full: " + e.getMessage());
        } catch (RuntimeException e) {
            // RdmaException, or an argument the provider refuses (a host it cannot resolve): the descriptor's fault either way.
            closeEndpoints();
            cq.close();
            throw new IOException("connecting to the primary agent at " + descriptor.host() + ":" + descriptor.port() + " ("
                + descriptor.provider() + "): " + e.getMessage(), e);
        }
        this.staging = s;
    }

    long bytesPulled() {
        return bytesPulled;
    }

    /** Bytes the last pull stored in its adopted table copy; 0 in copy mode. */
    long adoptedBytes() {
        return adoptedBytes;
    }

    /**
     * Where the last pull's strings are, in a line: "complete" (adopted), "none (why)" when every value
     * was copied onto the heap, or "stopped (why) ..." when the table copy stopped taking ranges
     * partway and the values after that point were copied.
     */
    String adoption() {
        return adoption;
    }

    /** How the last pull filled its table copy: "direct" (READs landed in it), "staged (why)" (copied from staging) or "none". */
    String tableCopyMode() {
        return tableCopyMode;
    }

    /** Slot READs repeated because a copy was torn or corrupt. */
    long tornReads() {
        return tornReads;
    }

    /**
     * Pulls the whole table into {@code loader}.
     *
     * @return the header the pull started from (its offset is where the stream continues)
     * @throws EpochChanged when the table was replaced meanwhile
     * @throws IOException  when a READ fails or a slot never reads consistently
     */
    TableHeader pull(DatasetLoader loader, Listener listener) throws IOException, InterruptedException {
        phase("connect");
        TableHeader start = readHeader();
        if (start.epoch() != descriptor.epoch() || start.retired()) {
            throw new EpochChanged("table epoch " + start.epoch() + (start.retired() ? " (retired)" : "") + ", descriptor named "
                + descriptor.epoch());
        }
        TableGeometry g = start.geometry();
        limits.checkTable(g, start.slotsWritten(), descriptor);
        listener.header(start);
        TableReader reader = new TableReader(g);
        int[][] tags = new int[g.classCount()][];
        for (int c = 0; c < g.classCount(); c++) {
            tags[c] = new int[(int) g.slotCount(c)];
        }
        Decoder decoder = new Decoder(reader, loader, tags, listener);
        // Every key the bulk phase loads is in a written slot: size the keyspace's maps for that many.
        loader.expectKeys(java.util.Arrays.stream(start.slotsWritten()).sum());

        List<TableGeometry.PullRange> plan = slotRanges(start);
        phase("header");
        adopt(g, plan, listener);
        decoder.startPipeline();
        try {
            bulk(plan, reader, decoder, listener);
        } finally {
            decoder.finishPipeline();
        }
        phase("bulk");
        phases.append("(read-wait=").append(waitNanos / 1_000_000).append(" store=").append(storeNanos / 1_000_000)
            .append(" verify+prepare=").append(verifyNanos / 1_000_000).append(" hand-off=").append(handOffNanos / 1_000_000).append(") ");
        listener.bulkDone(decoder.torn.size());
        rereadTorn(reader, decoder);
        resolveOverflow(reader, decoder);
        phase("torn+overflow");
        checkIndex(g, reader, decoder);
        phase("index");
        // Every READ into it has completed: nothing writes it from here on.
        closeAdopted();
        TableHeader end = readHeader();
        if (end.invalidates(start)) {
            throw new EpochChanged("table epoch changed from " + start.epoch() + " to " + end.epoch() + (end.retired() ? " (retired)" : "")
                + " during the pull");
        }
        return start;
    }

    /**
     * The bulk phase's READs: every slot class up to the header's written bounds (no slot past
     * them was written before the header was; one written since is a write after its offset,
     * which the index check and the stream bring). Overflow values are fetched per slot.
     */
    private List<TableGeometry.PullRange> slotRanges(TableHeader start) {
        List<TableGeometry.PullRange> plan = new ArrayList<>();
        for (TableGeometry.PullRange r : start.pullPlan(options.readBytes())) {
            if (!r.isOverflow()) {
                plan.add(r);
            }
        }
        return plan;
    }

    /**
     * Makes room for the pulled slot classes, to be adopted as the replica's values. Without a
     * table copy directory with room for them the pull goes on in copy mode (values copied onto
     * the heap): slower, but a sync that worked before still works.
     */
    private void adopt(TableGeometry g, List<TableGeometry.PullRange> plan, Listener listener) {
        closeAdopted();
        long planned = plan.stream().mapToLong(TableGeometry.PullRange::length).sum();
        listener.planned(planned);
        adopted = AdoptedTable.createOrNull(options.tableCopyDirectory(), g, options.readBytes(), plan, AdoptedTable.CHUNK_BYTES,
            tableCopyFiles);
        adoptedBytes = 0;
        if (adopted != null) {
            adoption = "complete";
            tableCopyMode = adopted.direct() ? registerDestinations() : "staged (" + adopted.whyStaged() + ")";
            // The phases are one token each (INFO turns spaces into commas): why a copy is staged is in its own field.
            phases.append("adopted=").append(adopted.bytes() >> 20).append("MB copy=").append(destinations != null ? "direct" : "staged")
                .append(' ');
        } else {
            String why = options.tableCopyDirectory() == null ? "no table copy directory" : "no room in " + options.tableCopyDirectory();
            adoption = "none (" + why + ")";
            tableCopyMode = "none";
            phases.append("adopted=no(").append(why).append(") ");
        }
    }

    /**
     * Registers the adopted table's mappings as READ destinations, so that each range lands where
     * its values will stay; a provider that refuses them leaves the copy staged.
     *
     * @return the table copy mode: "direct", or "staged (why)"
     */
    private String registerDestinations() {
        List<ByteBuffer> maps = adopted.mappings();
        MemoryRegion[] regions = new MemoryRegion[maps.size()];
        try {
            for (int i = 0; i < regions.length; i++) {
                regions[i] = device.register(maps.get(i), Access.LOCAL_WRITE);
            }
        } catch (RuntimeException e) {
            deregister(regions);
            LOG.log(System.Logger.Level.WARNING, "the " + device.provider() + " provider refused the replica's table copy as a READ "
                + "destination (" + e.getMessage() + "): its ranges are copied from staging");
            return "staged (" + device.provider() + " refused the mapping: " + e.getMessage() + ")";
        }
        destinations = regions;
        return "direct";
    }

    private static void deregister(MemoryRegion[] regions) {
        for (MemoryRegion r : regions) {
            if (r != null) {
                r.deregister();
            }
        }
    }

    /** Closes the adopted table's file and drops its registrations (its mappings stay for the values in them). */
    private void closeAdopted() {
        if (destinations != null) {
            deregister(destinations);
            destinations = null;
        }
        if (adopted != null) {
            adopted.close();
            adopted = null;
        }
    }

    /**
     * Stores {@code r} in the adopted table and returns its home there, or null when its values
     * are to be copied onto the heap: in copy mode, or once the table copy has taken all it can.
     * A table copy that fails to store a range (its tmpfs filled up since the pull checked for
     * room: another process wrote there) stops adoption for the rest of the pull rather than
     * failing it; the values stored before stay where they are.
     */
    private ByteBuffer adoptedHome(TableGeometry.PullRange r, ByteBuffer landed) throws IOException {
        if (adopted == null) {
            return null;
        }
        try {
            ByteBuffer home = adopted.store(r, landed);
            adoptedBytes = adopted.storedBytes();
            return home;
        } catch (ClosedByInterruptException e) {
            // Not the table copy's fault: this pull is being cancelled, so it fails as any interrupted pull does.
            throw e;
        } catch (IOException e) {
            stopAdopting(e);
            return null;
        }
    }

    private void stopAdopting(IOException cause) {
        String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        String kept = dev.rkv.kvserver.info.InfoFields.human(adoptedBytes);
        closeAdopted();
        adoption = "stopped (" + why + ") after " + kept + "; later values copied onto the heap";
        phases.append("adoption-stopped(").append(why).append(" after ").append(kept).append(") ");
        LOG.log(System.Logger.Level.WARNING, "replica table copy in " + options.tableCopyDirectory() + " took no more after " + kept
            + " (" + why + "): adoption stopped, the rest of this pull copies values onto the heap");
    }

    /**
     * READs every slot class exactly as {@link #pull} does, without decoding or loading: the
     * provider's raw time for the same bytes.
     *
     * @return bytes read
     */
    long rawPull() throws IOException, InterruptedException {
        TableHeader start = readHeader();
        limits.checkTable(start.geometry(), start.slotsWritten(), descriptor);
        List<TableGeometry.PullRange> plan = slotRanges(start);
        long before = bytesPulled;
        bulk(plan, new TableReader(start.geometry()), null, new Listener() { });
        return bytesPulled - before;
    }

    // ------------------------------------------------------------------ phases

    private void bulk(List<TableGeometry.PullRange> plan, TableReader reader, Decoder decoder, Listener listener)
        throws IOException, InterruptedException {
        ArrayDeque<Integer> free = new ArrayDeque<>();
        for (int b = 0; b < buffers; b++) {
            free.add(b);
        }
        TableGeometry.PullRange[] inFlight = new TableGeometry.PullRange[buffers];
        int next = 0;
        int outstanding = 0;
        int rr = 0;
        while (next < plan.size() || outstanding > 0) {
            while (next < plan.size() && !free.isEmpty()) {
                Endpoint ep = endpoints.get(rr++ % endpoints.size());
                if (ep.sendQueueFree() == 0) {
                    break;
                }
                int b = free.poll();
                TableGeometry.PullRange r = plan.get(next);
                // A direct copy's range lands in its place in the table copy; otherwise in buffer b of staging.
                ScatterGatherEntry to = destinations != null
                    ? destinations[adopted.chunkIndex(r)].sge(adopted.offsetInChunk(r), (int) r.length())
                    : staging.sge((long) b * options.readBytes(), (int) r.length());
                if (!ep.postSend(WorkRequest.read(b, to, descriptor.region().at(r.offset()), descriptor.region().rkey()))) {
                    free.push(b);
                    break;
                }
                inFlight[b] = r;
                next++;
                outstanding++;
            }
            long w0 = System.nanoTime();
            int n = cq.await(completions, completions.length, options.stallMillis(), TimeUnit.MILLISECONDS);
            waitNanos += System.nanoTime() - w0;
            if (n == 0) {
                throw new IOException("no READ completed in " + options.stallMillis() + " ms: primary gone or stalled");
            }
            for (int i = 0; i < n; i++) {
                Completion c = completions[i];
                check(c);
                int b = (int) c.wrId();
                TableGeometry.PullRange r = inFlight[b];
                inFlight[b] = null;
                outstanding--;
                bytesPulled += r.length();
                listener.pulled(r.length());
                if (decoder != null) {
                    long t0 = System.nanoTime();
                    ByteBuffer home;
                    ByteBuffer copy;
                    if (destinations != null) {
                        // Landed in its home: verified there, and nothing to store.
                        home = adopted.landed(r);
                        copy = home;
                        adoptedBytes = adopted.storedBytes();
                    } else {
                        // Checksums are verified on the staging copy, still in cache; values refer to their adopted home.
                        copy = staging.buffer().slice(b * options.readBytes(), (int) r.length());
                        home = adoptedHome(r, copy);
                    }
                    // One area per range, shared by every value in it (not one per value).
                    decoder.home = home == null ? null : new ValueArea(home);
                    long t1 = System.nanoTime();
                    decoder.visit(() -> reader.decodeRange(copy, r.offset(), decoder));
                    long t2 = System.nanoTime();
                    decoder.handOff();
                    decoder.home = null;
                    storeNanos += t1 - t0;
                    verifyNanos += t2 - t1;
                    handOffNanos += System.nanoTime() - t2;
                }
                free.add(b);
            }
        }
    }

    /** Reads each torn or corrupt slot again until it decodes; fails when one never settles. */
    private void rereadTorn(TableReader reader, Decoder decoder) throws IOException, InterruptedException {
        TableGeometry g = reader.geometry();
        for (int attempt = 0; !decoder.torn.isEmpty(); attempt++) {
            if (attempt >= options.slotRetries()) {
                long s = decoder.torn.get(0);
                throw new IOException(decoder.torn.size() + " slot(s) never read consistently after " + attempt
                    + " attempts (first: class " + (int) (s >>> 40) + " slot " + (s & IndexDescriptor.SLOT_INDEX_MASK)
                    + "): a checksum that never settles");
            }
            if (attempt > 0) {
                Thread.sleep(Math.min(10, attempt));
            }
            List<Long> again = new ArrayList<>(decoder.torn);
            decoder.torn.clear();
            for (long s : again) {
                int c = (int) (s >>> 40);
                long i = s & IndexDescriptor.SLOT_INDEX_MASK;
                tornReads++;
                ByteBuffer copy = read(g.slotAddress(c, i), g.slotSize(c));
                decoder.visit(() -> decoder.onSlot(c, i, reader.decodeSlot(copy, 0, c, decoder.view), decoder.view));
            }
        }
    }

    /** Fetches the value of every slot whose value lives in an overflow extent. */
    private void resolveOverflow(TableReader reader, Decoder decoder) throws IOException, InterruptedException {
        TableGeometry g = reader.geometry();
        SlotView view = new SlotView();
        for (long s : decoder.overflow) {
            int c = (int) (s >>> 40);
            long i = s & IndexDescriptor.SLOT_INDEX_MASK;
            boolean done = false;
            for (int attempt = 0; attempt < options.slotRetries() && !done; attempt++) {
                ByteBuffer slot = read(g.slotAddress(c, i), g.slotSize(c));
                SlotStatus st = reader.decodeSlot(slot, 0, c, view);
                if (st == SlotStatus.EMPTY) {
                    done = true;
                } else if (st == SlotStatus.OK) {
                    byte[] key = view.key();
                    byte type = view.type();
                    long lsn = view.lsn();
                    long expiry = view.expireAtMs();
                    if (!view.isOverflow()) {
                        decoder.load(type, key, view.value(), expiry, lsn);
                        done = true;
                        continue;
                    }
                    long extent = reader.extentAddress(view);
                    long version = view.overflowVersion();
                    int length = view.valueLength();
                    if (extent < 0) {
                        // A verified slot names what its writer wrote, and a writer allocates extents only inside the area.
                        throw new IOException("class " + c + " slot " + i + " names an overflow extent outside the table's overflow area (block "
                            + view.overflowBlock() + ", " + length + " bytes; the area has " + g.overflowBlockCount()
                            + " blocks): the primary's table is corrupt");
                    }
                    // The extent lies inside the area, so inside the region: its length is bounded before the READ and the copy.
                    ByteBuffer copy = read(extent, OverflowDescriptor.extentLength(length));
                    if (new dev.rkv.table.layout.OverflowCodec().verify(copy, 0, version, length) == ExtentStatus.OK) {
                        byte[] value = new byte[length];
                        copy.get(OverflowDescriptor.DATA_OFFSET, value);
                        decoder.load(type, key, value, expiry, lsn);
                        done = true;
                    }
                }
                if (!done) {
                    tornReads++;
                }
            }
            if (!done) {
                throw new IOException("overflow value of class " + c + " slot " + i + " never read consistently");
            }
        }
        decoder.overflow.clear();
    }

    /**
     * Reads the index once and makes sure every slot an entry names was loaded with the key the
     * entry's tag belongs to: a key that moved into a range pulled before the move is found this
     * way. An entry whose slot changed again is followed on its own (an entry keeps its index
     * position while its key lives; the writer switches it in place when the key moves) until
     * its slot holds its key or the entry is gone (the key was deleted: the stream deletes it).
     */
    private void checkIndex(TableGeometry g, TableReader reader, Decoder decoder) throws IOException, InterruptedException {
        List<long[]> stale = new ArrayList<>();
        long length = g.indexLength();
        int chunk = options.readBytes() - options.readBytes() % IndexDescriptor.BUCKET_SIZE;
        for (long at = 0; at < length; at += chunk) {
            int n = (int) Math.min(chunk, length - at);
            ByteBuffer copy = read(g.indexOffset() + at, n);
            for (int b = 0; b < n; b += IndexDescriptor.BUCKET_SIZE) {
                for (int e = 0; e < IndexDescriptor.ENTRIES_PER_BUCKET; e++) {
                    int entryAt = b + IndexDescriptor.FIRST_ENTRY_OFFSET + e * IndexDescriptor.ENTRY_SIZE;
                    long entry = getLong(copy, entryAt);
                    if (!IndexDescriptor.isOccupied(entry)) {
                        continue;
                    }
                    int c = IndexDescriptor.classId(entry);
                    long i = IndexDescriptor.slotIndex(entry);
                    if (c >= g.classCount() || i >= g.slotCount(c)) {
                        continue;
                    }
                    if (decoder.tags[c][(int) i] != (IndexDescriptor.tag(entry) | Decoder.LOADED)) {
                        stale.add(new long[] {g.indexOffset() + at + entryAt, entry});
                    }
                }
            }
        }
        SlotView view = new SlotView();
        for (long[] s : stale) {
            followEntry(g, reader, decoder, view, s[0], s[1]);
        }
    }

    private void followEntry(TableGeometry g, TableReader reader, Decoder decoder, SlotView view, long entryAddress, long entry)
        throws IOException, InterruptedException {
        int tag = IndexDescriptor.tag(entry);
        for (int attempt = 0; attempt < options.slotRetries(); attempt++) {
            int c = IndexDescriptor.classId(entry);
            long i = IndexDescriptor.slotIndex(entry);
            if (c < g.classCount() && i < g.slotCount(c)) {
                tornReads++;
                ByteBuffer slot = read(g.slotAddress(c, i), g.slotSize(c));
                SlotStatus st = reader.decodeSlot(slot, 0, c, view);
                if (st == SlotStatus.OK) {
                    byte[] key = view.key();
                    if (IndexDescriptor.tagOf(KeyHash.hash(key)) == tag) {
                        decoder.tags[c][(int) i] = tag | Decoder.LOADED;
                        if (view.isOverflow()) {
                            decoder.overflow.add(((long) c << 40) | i);
                            resolveOverflow(reader, decoder);
                        } else {
                            decoder.load(view.type(), key, view.value(), view.expireAtMs(), view.lsn());
                        }
                        return;
                    }
                }
            }
            ByteBuffer e = read(entryAddress, IndexDescriptor.ENTRY_SIZE);
            long now = getLong(e, 0);
            if (!IndexDescriptor.isOccupied(now) || IndexDescriptor.tag(now) != tag) {
                return;
            }
            entry = now;
        }
        throw new IOException("an index entry kept naming slots that changed under the pull (" + options.slotRetries() + " attempts)");
    }

    // ------------------------------------------------------------------ READ helpers

    private TableHeader readHeader() throws IOException, InterruptedException {
        for (int attempt = 0; attempt < options.slotRetries(); attempt++) {
            ByteBuffer copy = read(0, TableHeaderDescriptor.HEADER_LENGTH);
            HeaderRead h = TableReader.readHeader(copy);
            if (h.ok()) {
                return h.header();
            }
            if (!h.status().shouldRetry()) {
                throw new IOException("the primary's table header is unusable: " + h.status() + " " + h.detail());
            }
            Thread.sleep(1);
        }
        throw new IOException("the primary's table header never read consistently");
    }

    /** One READ of {@code length} bytes at table offset {@code offset}, waited for; the copy is valid until the next read. */
    private ByteBuffer read(long offset, long length) throws IOException, InterruptedException {
        if (length < 0 || length > (long) options.readBytes() * buffers) {
            throw new IOException("a READ of " + length + " bytes exceeds the staging area of " + (long) options.readBytes() * buffers
                + " bytes (endpoints x outstanding READs x READ size)");
        }
        // Staging is at most 1 GiB (options), so the length fits an int from here on.
        int n = (int) length;
        long id = -(nextWrId++);
        if (!endpoints.get(0).postSend(WorkRequest.read(id, staging.sge(0, n), descriptor.region().at(offset), descriptor.region().rkey()))) {
            throw new IOException("send queue full for a single READ");
        }
        Completion c = cq.take(options.stallMillis(), TimeUnit.MILLISECONDS);
        if (c == null) {
            throw new IOException("no READ completed in " + options.stallMillis() + " ms: primary gone or stalled");
        }
        check(c);
        bytesPulled += n;
        return staging.buffer().slice(0, n);
    }

    private static void check(Completion c) throws IOException {
        if (c.status() == dev.rkv.rdma.CompletionStatus.REM_ACCESS_ERR) {
            throw new AccessRefused("READ failed with REM_ACCESS_ERR (wrong rkey, or the table's region is gone)");
        }
        if (!c.ok()) {
            throw new IOException("READ failed with " + c.status() + switch (c.status()) {
                case REM_ACCESS_ERR -> " (wrong rkey, or the table's region is gone)";
                case RETRY_EXC_ERR, WR_FLUSH_ERR -> " (primary agent gone)";
                default -> "";
            });
        }
    }

    private void closeEndpoints() {
        for (Endpoint e : endpoints) {
            e.close();
        }
        endpoints.clear();
    }

    @Override
    public void close() {
        closeEndpoints();
        if (staging != null) {
            staging.deregister();
        }
        closeAdopted();
        cq.close();
    }

    // ------------------------------------------------------------------ decoding

    /** Receives decoded slots: loads records, remembers torn slots, overflow slots and each slot's key tag. */
    private static final class Decoder implements dev.rkv.table.SlotVisitor {
        static final int LOADED = 1 << 16;

        final TableReader reader;
        final DatasetLoader loader;
        final int[][] tags;
        final Listener listener;
        final SlotView view = new SlotView();
        final List<Long> torn = new ArrayList<>();
        final List<Long> overflow = new ArrayList<>();
        /** Where the range being decoded was adopted (same offsets as the copy); null: values are copied out. */
        ValueArea home;

        Decoder(TableReader reader, DatasetLoader loader, int[][] tags, Listener listener) {
            this.reader = reader;
            this.loader = loader;
            this.tags = tags;
            this.listener = listener;
        }

        @Override
        public void onSlot(int classId, long slotIndex, SlotStatus status, SlotView v) {
            long id = ((long) classId << 40) | slotIndex;
            switch (status) {
                case OK -> {
                    byte[] key = v.key();
                    tags[classId][(int) slotIndex] = IndexDescriptor.tagOf(KeyHash.hash(key)) | LOADED;
                    if (v.isOverflow()) {
                        overflow.add(id);
                    } else {
                        try {
                            load(v.type(), key, valueOf(v), v.expireAtMs(), v.lsn());
                        } catch (IOException e) {
                            // The visitor interface throws nothing checked; visit() unwraps it.
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
                case EMPTY -> tags[classId][(int) slotIndex] = 0;
                default -> torn.add(id);
            }
        }

        /** A string in the adopted table stays where it landed; anything else is copied out of the slot. */
        private Object valueOf(SlotView v) {
            return home != null && v.type() == SlotDescriptor.TYPE_STRING ? new RegionString(home, v.valueOffset(), v.valueLength()) : v.value();
        }

        /** Runs a decode that calls {@link #onSlot}, with a record it could not load reported as the IOException it was. */
        void visit(Runnable decode) throws IOException {
            try {
                decode.run();
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        }

        void load(byte type, byte[] key, Object value, long expireAtMs, long lsn) throws IOException {
            if (pipeline != null) {
                // Key, entry and cluster slot are made here, so the loader thread only puts.
                loader.prepare(batch, type, key, value, expireAtMs, lsn);
                if (batch.isFull()) {
                    queueBatch();
                }
                return;
            }
            if (loader.offer(type, key, value, expireAtMs, lsn)) {
                listener.loaded(1);
            }
        }

        // ---- the bulk phase's two-stage pipeline: this thread decodes, verifies and prepares, a
        // ---- loader thread puts the records into the keyspace (it owns the keyspace until finish)

        private static final int BATCH = 1024;
        private static final DatasetLoader.Records END = new DatasetLoader.Records(0);
        private java.util.concurrent.BlockingQueue<DatasetLoader.Records> queue;
        private Thread pipeline;
        private DatasetLoader.Records batch = new DatasetLoader.Records(BATCH);
        private volatile Throwable pipelineFailure;

        void startPipeline() {
            queue = new java.util.concurrent.ArrayBlockingQueue<>(64);
            pipeline = new Thread(() -> {
                try {
                    for (DatasetLoader.Records b = queue.take(); b != END; b = queue.take()) {
                        long loaded = 0;
                        for (int i = 0; i < b.size(); i++) {
                            if (loader.put(b, i)) {
                                loaded++;
                            }
                        }
                        listener.loaded(loaded);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    pipelineFailure = e;
                    queue.clear();
                }
            }, "rkv-replica-loader");
            pipeline.setDaemon(true);
            pipeline.start();
        }

        /** Hands the records decoded so far to the loader thread. */
        void handOff() throws InterruptedException, IOException {
            if (pipeline == null || batch.size() == 0) {
                return;
            }
            queueBatch();
        }

        private void queueBatch() throws IOException {
            checkPipeline();
            try {
                queue.put(batch);
            } catch (InterruptedException e) {
                // Called from inside a decode, whose visitor may throw only IOExceptions (see visit()).
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted handing records to the loader");
            }
            batch = new DatasetLoader.Records(BATCH);
        }

        /** Waits until the loader thread put every record; later loads run on this thread. */
        void finishPipeline() throws InterruptedException, IOException {
            if (pipeline == null) {
                return;
            }
            Thread t = pipeline;
            try {
                if (pipelineFailure == null) {
                    if (batch.size() > 0) {
                        queue.put(batch);
                    }
                    queue.put(END);
                    t.join();
                } else {
                    t.interrupt();
                    t.join();
                }
            } finally {
                pipeline = null;
                batch = new DatasetLoader.Records(BATCH);
            }
            checkPipeline();
        }

        private void checkPipeline() throws IOException {
            Throwable f = pipelineFailure;
            if (f instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            }
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
        }
    }
}
