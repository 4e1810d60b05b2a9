package dev.rkv.replica;

import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Table copy files as on a system without fallocate: real files, whose blocks cannot be
 * reserved, so the pull stages its READs and writes each range into the copy.
 */
final class UnreservedCopies {
    static final String WHY = "no fallocate in this test";

    private UnreservedCopies() {
    }

    static TableCopyFileOpener opener() {
        return new TableCopyFileOpener() {
            @Override
            public FileChannel open(Path file) throws java.io.IOException {
                return TableCopyFileOpener.PLAIN.open(file);
            }

            @Override
            public BlockReservation.Result reserve(Path file, long offset, long length) {
                return new BlockReservation.Result(BlockReservation.Outcome.UNAVAILABLE, WHY);
            }
        };
    }
}
