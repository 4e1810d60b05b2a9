package dev.rkv.kvserver.persist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RdbFilesTest {
    @TempDir
    Path dir;

    @Test
    void aCompleteWriteReplacesTheTargetAndLeavesNoTempFile() throws IOException {
        Files.writeString(dir.resolve("dump.rdb"), "old");
        long n = RdbFiles.writeAtomically(dir, "dump.rdb", out -> {
            out.write("new".getBytes(StandardCharsets.US_ASCII));
            return 3;
        });
        assertEquals(3, n);
        assertEquals("new", Files.readString(dir.resolve("dump.rdb")));
        assertFalse(Files.exists(RdbFiles.tempFile(dir)));
    }

    @Test
    void aWriteThatFailsHalfwayLeavesThePreviousFileIntact() throws IOException {
        Files.writeString(dir.resolve("dump.rdb"), "previous");
        IOException e = assertThrows(IOException.class, () -> RdbFiles.writeAtomically(dir, "dump.rdb", out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("previous", Files.readString(dir.resolve("dump.rdb")));
        assertFalse(Files.exists(RdbFiles.tempFile(dir)));
    }

    @Test
    void aTempFileThatCannotBeCreatedLeavesThePreviousFileIntact() throws IOException {
        Files.writeString(dir.resolve("dump.rdb"), "previous");
        Files.createDirectory(RdbFiles.tempFile(dir));
        assertThrows(IOException.class, () -> RdbFiles.writeAtomically(dir, "dump.rdb", out -> 0));
        assertEquals("previous", Files.readString(dir.resolve("dump.rdb")));
    }

    @Test
    void loadingAMissingFileIsNotAnError() throws Exception {
        assertNull(RdbFiles.load(dir.resolve("none.rdb"), Datasets.empty(16), 0));
    }
}
