package dev.rkv.replica;

import dev.rkv.rdma.RemoteRegion;
import dev.rkv.table.TableGeometry;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A slot class whose slots exceed one READ only matters when the bulk pull reads it: a primary
 * gives every class some room, also classes of sizes no value has used yet.
 */
class PullLimitsTest {
    private static final int READ = 64 * 1024;
    private static final TableGeometry TABLE = TableGeometry.of(new int[] {1024, 73_728}, new long[] {100, 10}, 64, 16);
    private static final Descriptor DESCRIPTOR = new Descriptor("soft", "127.0.0.1", 1,
        new RemoteRegion(0, TABLE.tableLength(), 1), 1, "0".repeat(40), 0, 0, "");
    private final PullLimits limits = new PullLimits(ReplicaAgentOptions.defaults().withReads(READ, 4));

    @Test
    void aLargeClassNothingWasWrittenToIsAccepted() {
        assertDoesNotThrow(() -> limits.checkTable(TABLE, new long[] {100, 0}, DESCRIPTOR));
    }

    @Test
    void aWrittenClassLargerThanOneReadIsRefusedWithTheSizeToRaise() {
        IOException e = assertThrows(IOException.class, () -> limits.checkTable(TABLE, new long[] {100, 1}, DESCRIPTOR));
        assertTrue(e.getMessage().contains("slots of 73728 bytes in class 1, larger than one READ of this replica (65536 bytes)"), e.getMessage());
    }
}
