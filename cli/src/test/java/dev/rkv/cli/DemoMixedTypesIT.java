package dev.rkv.cli;

import dev.rkv.cli.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rkv demo --types}: a dataset of every type reaches every replica (digest and per-type
 * counts checked by the demo), and the RESULT line says which sync path carried it. Whether
 * the primary agent's table carries collections or turns itself off and the replicas fall back to
 * the classic sync, the demo must verify the data and must not claim RDMA for a classic sync.
 */
class DemoMixedTypesIT {
    @TempDir
    Path work;

    @Test
    void everyTypeReachesEveryReplicaAndTheResultSaysHowMany() throws Exception {
        // 2,000 keys of 64 bytes, elements of 8 bytes: collections of 1 to 8 elements, and key 0 of each
        // collection type with 2,000 (a large one, beyond every listpack threshold).
        try (ChildJvm demo = ChildJvm.start("demo-types", work, "demo", "--keys", "2000", "--value-size", "64", "--element-size", "8",
            "--types", "string,hash,list,set,zset", "--replicas", "2", "--provider", "shm", "--no-measure")) {
            int exit = demo.awaitExit(Duration.ofSeconds(90));
            String out = demo.outputText();
            Matcher result = Pattern.compile("(?m)^RESULT .*$").matcher(out);
            assertTrue(result.find(), out);
            String line = result.group();
            assertTrue(line.contains(" keys=2000 types=string:400,hash:400,list:400,set:400,zset:400 "), line);
            assertTrue(line.endsWith(" verified=yes"), out);
            assertEquals(0, exit, out);
            for (int r = 1; r <= 2; r++) {
                assertTrue(out.matches("(?s).*replica " + r + " \\(port \\d+\\): 2,000 keys \\{hash=400, list=400, set=400, string=400, "
                    + "zset=400}, digest equals the primary's.*"), out);
            }
            Matcher path = Pattern.compile(" sync=(rdma|classic|mixed) ").matcher(line);
            assertTrue(path.find(), line);
            // The path the RESULT names is the one each replica's INFO reported.
            String transport = path.group(1).equals("rdma") ? "rdma/shm" : "tcp";
            assertTrue(out.matches("(?s).*replica 1 \\(port \\d+\\): [^\\n]* synced over " + transport + " .*"), out);
            assertTrue(out.matches("(?s).*replica 2 \\(port \\d+\\): [^\\n]* synced over " + transport + " .*"), out);
        }
    }

    @Test
    void theDefaultStaysAStringDataset() throws Exception {
        try (ChildJvm demo = ChildJvm.start("demo-strings", work, "demo", "--keys", "1000", "--value-size", "32", "--replicas", "1",
            "--provider", "shm", "--no-measure")) {
            int exit = demo.awaitExit(Duration.ofSeconds(60));
            String out = demo.outputText();
            assertTrue(out.contains(" keys=1000 types=string:1000 "), out);
            assertTrue(out.contains(" sync=rdma verified=yes"), out);
            assertEquals(0, exit, out);
        }
    }
}
