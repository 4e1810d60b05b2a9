package dev.rkv.cli;

import dev.rkv.cli.testing.ChildJvm;
import dev.rkv.experiments.syncstudy.Topology;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sync study's smoke run: tiny scale, one shaped link, one slave, every system, as the user
 * runs it. Needs root and network namespaces; skipped with the reason where they are missing.
 */
class SyncStudyIT {
    static final List<String> SYSTEMS = List.of("redis-disk", "redis-diskless", "rkv-disk", "rkv-diskless", "rkv-soft", "rkv-shm");

    @Test
    void tinyStudyMeasuresEveryCellWritesTheReportAndLeavesNoNamespace(@TempDir Path dir) throws Exception {
        String problem = Topology.problem();
        Assumptions.assumeTrue(problem == null, () -> "sync study cannot run here: " + problem);
        Path out = dir.resolve("report");
        try (ChildJvm study = ChildJvm.start("study", dir, "experiment", "sync-study", "--scale", "0.002", "--links", "router",
            "--replicas", "1", "--systems", String.join(",", SYSTEMS), "--out", out.toString())) {
            int code = study.awaitExit(Duration.ofSeconds(90));
            assertEquals(0, code, study.outputText());
        }
        Path md = out.resolve("sync-study.md");
        assertTrue(Files.isRegularFile(md), "no report");
        String report = Files.readString(md);
        for (String s : SYSTEMS) {
            String row = report.lines().filter(l -> l.startsWith("| " + s + " | 1 | ")).findFirst().orElse(null);
            assertTrue(row != null, "no row for " + s + " in\n" + report);
            String measured = row.split("\\|")[3].trim();
            assertTrue(measured.matches("\\d+\\.\\d+") && Double.parseDouble(measured) > 0, s + ": no time in " + row);
            String cpu = row.split("\\|")[8].trim();
            assertTrue(cpu.matches("\\d+\\.\\d+"), s + ": no master CPU in " + row);
        }
        assertFalse(report.contains("FAILED"), report);
        assertTrue(report.contains("raw READ soft") && report.contains("raw READ shm"), report);
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G'};
        for (String png : List.of("sync-time-router.png", "master-cpu.png")) {
            Path p = out.resolve(png);
            assertTrue(Files.isRegularFile(p) && Files.size(p) > 1000, png + " missing");
            byte[] head = new byte[4];
            System.arraycopy(Files.readAllBytes(p), 0, head, 0, 4);
            assertArrayEquals(magic, head, png + " is not a PNG");
        }
        assertEquals(List.of(), Topology.namespaces(), "namespaces left behind");
    }
}
