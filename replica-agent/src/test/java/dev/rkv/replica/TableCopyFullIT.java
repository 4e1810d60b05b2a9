package dev.rkv.replica;

import dev.rkv.kvserver.info.InfoFields;
import dev.rkv.kvserver.repl.AcceleratedSync;
import dev.rkv.kvserver.store.Keyspace;
import dev.rkv.kvserver.store.KeyspaceListener;
import dev.rkv.kvserver.testing.RkvTestServer;
import dev.rkv.primary.PrimaryAgent;
import dev.rkv.primary.PrimaryAgentOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.rkv.replica.PullIT.fill;
import static dev.rkv.replica.PullIT.primaryDump;
import static dev.rkv.replica.PullIT.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tmpfs the replica's table copy lives in fills up during a pull (another process wrote
 * there after the pull found room). A direct copy (its blocks reserved before the first READ)
 * does not notice: every READ lands in a page that exists, the pull adopts everything. A staged
 * copy (no reservation: no fallocate) completes in copy mode from the range that found no room
 * on, the strings stored before stay adopted, INFO and the phases say adoption stopped and why,
 * and one warning is logged. A reservation that finds no room means copy mode from the start.
 * The dataset is the primary's every time, read back value by value, so a string referring to
 * a range that was never written would show as zeros (or a SIGBUS).
 */
class TableCopyFullIT {
    private static final int READ_BYTES = 64 << 10;

    @Test
    void aCopyFileThatRunsOutOfSpaceStopsAdoptionAndThePullCompletes(@TempDir Path dir) throws Exception {
        try (RkvTestServer primary = RkvTestServer.start();
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults().withProvider("shm"));
             ReplicaAgent replica = new ReplicaAgent(options(dir));
             LoggedWarnings warnings = LoggedWarnings.of(TablePuller.class)) {
            fill(primary, 3000);
            // Four READs' worth and a bit: a few ranges are stored, then one is written in part and fails.
            long room = 4L * READ_BYTES + 1000;
            replica.tableCopyFiles(SpaceLimitedChannel.openerWithoutReservation(room));
            PullIT.Counters progress = new PullIT.Counters();
            Keyspace fresh = new Keyspace(16, new KeyspaceListener() { });
            replica.sync(request(primary, ""), fresh, progress);
            assertTrue(progress.total.get() > 2 * room, "the pull plans more than the copy file takes: " + progress);

            assertPrimarysDatasetPartlyAdopted(primary, fresh);
            long copyBytes = assertInfoSaysStopped(replica, SpaceLimitedChannel.ENOSPC);
            assertTrue(copyBytes <= room, copyBytes + " bytes stored in " + room + " bytes of room");
            assertEquals(1, warnings.containing("adoption stopped").size(), warnings.toString());
        }
    }

    @Test
    void aReservationWithoutRoomMeansCopyModeAndThePullCompletes(@TempDir Path dir) throws Exception {
        try (RkvTestServer primary = RkvTestServer.start();
             PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults().withProvider("shm"));
             ReplicaAgent replica = new ReplicaAgent(options(dir))) {
            fill(primary, 3000);
            // The file system passes the free-space check, then has room for less than the plan when fallocate asks.
            replica.tableCopyFiles(SpaceLimitedChannel.opener(4L * READ_BYTES));
            Keyspace fresh = new Keyspace(16, new KeyspaceListener() { });
            replica.sync(request(primary, ""), fresh, new PullIT.Counters());
            Datasets.assertSame(primaryDump(primary), Datasets.dump(fresh), "pulled dataset");
            assertEquals(0, Datasets.adoptedStrings(fresh), "every value copied onto the heap");
            InfoFields info = new InfoFields();
            replica.info(info);
            assertTrue(info.get("replica_agent_last_pull_adoption").startsWith("none (no room in "), info.toString());
            assertEquals("none", info.get("replica_agent_last_pull_table_copy_mode"));
            assertEquals("0", info.get("replica_agent_last_pull_table_copy_bytes"));
        }
    }

    @Test
    void aTmpfsFilledByAnotherWriterMidPullCannotTakeTheReservedPagesOfADirectCopy(@TempDir Path dir) throws Exception {
        pullWhileATmpfsFills(dir, TableCopyFileOpener.PLAIN, (primary, replica, fresh, progress, warnings) -> {
            Datasets.assertSame(primaryDump(primary), Datasets.dump(fresh), "pulled dataset");
            // All but one key are strings in slots (one lives in an overflow extent).
            assertEquals(fresh.totalKeys() - 1, Datasets.adoptedStrings(fresh), "every string in a slot stays where it landed");
            InfoFields info = new InfoFields();
            replica.info(info);
            assertEquals("complete", info.get("replica_agent_last_pull_adoption"));
            assertEquals("direct", info.get("replica_agent_last_pull_table_copy_mode"));
            assertTrue(replica.lastPhases().contains("copy=direct"), replica.lastPhases());
            assertEquals(progress.total.get(), Long.parseLong(info.get("replica_agent_last_pull_table_copy_bytes")));
            assertEquals(0, warnings.containing("adoption stopped").size(), warnings.toString());
        });
    }

    @Test
    void aTmpfsFilledByAnotherWriterMidPullStopsAStagedCopyAndThePullCompletes(@TempDir Path dir) throws Exception {
        // The real tmpfs, on a system that cannot reserve blocks: the copy is written range by range.
        pullWhileATmpfsFills(dir, UnreservedCopies.opener(), (primary, replica, fresh, progress, warnings) -> {
            assertPrimarysDatasetPartlyAdopted(primary, fresh);
            assertInfoSaysStopped(replica, "No space left on device");
            InfoFields info = new InfoFields();
            replica.info(info);
            assertEquals("staged (" + UnreservedCopies.WHY + ")", info.get("replica_agent_last_pull_table_copy_mode"));
            assertEquals(1, warnings.containing("adoption stopped").size(), warnings.toString());
        });
    }

    /** What a test checks after a pull during which the tmpfs filled up. */
    private interface AfterPull {
        void check(RkvTestServer primary, ReplicaAgent replica, Keyspace fresh, FillsMidPull progress, LoggedWarnings warnings)
            throws Exception;
    }

    /** Pulls 3,000 keys into a table copy on an 8 MiB tmpfs (files opened by {@code opener}) that fills up after four READs. */
    private static void pullWhileATmpfsFills(Path dir, TableCopyFileOpener opener, AfterPull checks) throws Exception {
        Path mountPoint = java.nio.file.Files.createDirectory(dir.resolve("tmpfs"));
        try (TinyTmpfs tmpfs = TinyTmpfs.mountOrSkip(mountPoint, 8)) {
            try (RkvTestServer primary = RkvTestServer.start();
                 PrimaryAgent agent = PrimaryAgent.attach(primary.server(), PrimaryAgentOptions.defaults().withProvider("shm"));
                 ReplicaAgent replica = new ReplicaAgent(options(tmpfs.directory()));
                 LoggedWarnings warnings = LoggedWarnings.of(TablePuller.class)) {
                fill(primary, 3000);
                replica.tableCopyFiles(opener);
                FillsMidPull progress = new FillsMidPull(tmpfs);
                Keyspace fresh = new Keyspace(16, new KeyspaceListener() { });
                replica.sync(request(primary, ""), fresh, progress);
                assertTrue(progress.filled.get(), "the tmpfs was filled during the pull");
                assertTrue(progress.total.get() < 8 << 20, "the pull plans less than the tmpfs holds, so it starts adopting: " + progress.total);
                checks.check(primary, replica, fresh, progress, warnings);
            }
        }
    }

    /** Fills the tmpfs once four READs have completed: the pull found room, now there is none. */
    private static final class FillsMidPull implements AcceleratedSync.ProgressSink {
        final TinyTmpfs tmpfs;
        final AtomicBoolean filled = new AtomicBoolean();
        final AtomicLong total = new AtomicLong();
        final AtomicLong pulled = new AtomicLong();

        FillsMidPull(TinyTmpfs tmpfs) {
            this.tmpfs = tmpfs;
        }

        @Override
        public void total(long bytes) {
            total.set(bytes);
        }

        @Override
        public void pulled(long bytes) {
            // Called as each READ completes, before its range is stored (staged) or taken as landed (direct).
            if (pulled.addAndGet(bytes) >= 4L * READ_BYTES && filled.compareAndSet(false, true)) {
                try {
                    tmpfs.fill();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        @Override
        public void loaded(long keys) {
        }
    }

    private static ReplicaAgentOptions options(Path tableCopyDirectory) {
        return ReplicaAgentOptions.defaults().withProvider("shm").withReads(READ_BYTES, 4).withTableCopyDirectory(tableCopyDirectory);
    }

    private static void assertPrimarysDatasetPartlyAdopted(RkvTestServer primary, Keyspace fresh) throws Exception {
        Datasets.assertSame(primaryDump(primary), Datasets.dump(fresh), "pulled dataset");
        long adopted = Datasets.adoptedStrings(fresh);
        assertTrue(adopted > 0, "the strings stored before the file system filled stay adopted");
        // All but one key are strings in slots (one lives in an overflow extent): any fewer adopted were copied.
        assertTrue(adopted < fresh.totalKeys() - 1, adopted + " of " + fresh.totalKeys() + " adopted: the rest were copied");
    }

    /** INFO names the stop and its cause; returns the table copy bytes it reports. */
    private static long assertInfoSaysStopped(ReplicaAgent replica, String cause) {
        InfoFields info = new InfoFields();
        replica.info(info);
        String adoption = info.get("replica_agent_last_pull_adoption");
        assertTrue(adoption.startsWith("stopped (" + cause + ")"), adoption);
        assertTrue(replica.lastPhases().contains("adoption-stopped(" + cause), replica.lastPhases());
        long copyBytes = Long.parseLong(info.get("replica_agent_last_pull_table_copy_bytes"));
        assertTrue(copyBytes > 0, "the bytes adopted before the stop are still in use: " + copyBytes);
        return copyBytes;
    }
}
