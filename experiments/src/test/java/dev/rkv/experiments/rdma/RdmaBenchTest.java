package dev.rkv.experiments.rdma;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RdmaBenchTest {
    @Test
    void parsesTheIssueFlags() {
        RdmaBench.Options o = RdmaBench.parse(new String[] {"--provider", "shm", "--op", "read", "--size", "4096",
                "--outstanding", "8", "--seconds", "1.5"});
        assertEquals(List.of("shm"), o.providers());
        assertEquals(List.of(4096), o.sizes());
        assertEquals(List.of(8), o.outstanding());
        assertEquals(1.5, o.seconds());
        RdmaBench.Options sweep = RdmaBench.parse(new String[] {"--provider", "soft,shm", "--sweep"});
        assertEquals(List.of(64, 4096, 65536, 1 << 20, 4 << 20), sweep.sizes());
        assertEquals(List.of(1, 16), sweep.outstanding());
        assertThrows(IllegalArgumentException.class, () -> RdmaBench.parse(new String[] {"--op", "cas"}));
        assertThrows(IllegalArgumentException.class, () -> RdmaBench.parse(new String[] {"--bogus"}));
    }

    @Test
    void singleRunEndsWithOneResultLine() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rc = RdmaBench.execute(new String[] {"--provider", "soft", "--size", "4096", "--outstanding", "4",
                "--seconds", "0.2", "--warmup", "0.05"}, new PrintStream(bytes, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, rc);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("RESULT provider=soft op=read size=4096 outstanding=4 MBps=[0-9.]+ p50_us=[0-9.]+ "
                + "p99_us=[0-9.]+"), last);
    }
}
