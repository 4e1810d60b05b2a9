package dev.rkv.cli;

import dev.rkv.experiments.syncstudy.SyncStudy;
import dev.rkv.experiments.syncstudy.Topology.Link;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyncStudyOptionsTest {
    private static SyncStudy.Options parse(String... args) {
        SyncStudyCommand c = new SyncStudyCommand();
        new CommandLine(c).parseArgs(args);
        return c.options();
    }

    @Test
    void defaultsCoverEveryLinkSystemAndSlaveCount() {
        SyncStudy.Options o = parse();
        assertEquals(List.of(Link.ROUTER, Link.DIRECT, Link.ROCE, Link.FAST), o.links());
        assertEquals(List.of(1, 2, 3), o.replicas());
        assertEquals(6, o.systems().size());
        assertEquals(Math.round(937_000 * SyncStudyCommand.DEFAULT_SCALE), o.keys());
    }

    @Test
    void scaleOneIsTheStudysSize() {
        assertEquals(937_000_000L, parse("--scale", "1").bytes());
    }

    @Test
    void wrongValuesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--links", "router,wifi")).getMessage().contains("wifi"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--replicas", "4")).getMessage().contains("--replicas"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--systems", "memcached")).getMessage().contains("memcached"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--scale", "0")).getMessage().contains("--scale"));
    }
}
