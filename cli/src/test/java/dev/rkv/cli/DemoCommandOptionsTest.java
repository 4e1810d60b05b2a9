package dev.rkv.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandOptionsTest {
    private static DemoCommand parse(String... args) {
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs(args);
        return demo;
    }

    @Test
    void loadsStringsByDefault() {
        assertEquals(List.of("string"), parse().types);
    }

    @Test
    void typesAreACommaSeparatedList() {
        assertEquals(List.of("string", "hash", "zset"), parse("--types", "string,hash,zset").types);
    }

    @Test
    void syncPathIsRdmaOnlyWhenEveryReplicaPulledOverRdma() {
        assertEquals("rdma", DemoCommand.syncPath(List.of("rdma/shm", "rdma/shm")));
        assertEquals("classic", DemoCommand.syncPath(List.of("tcp", "tcp")));
        assertEquals("mixed", DemoCommand.syncPath(List.of("rdma/shm", "tcp")));
    }

    @Test
    void measuresByDefault() {
        assertTrue(parse().measure);
    }

    @Test
    void noMeasureTurnsTheMeasurementsOff() {
        assertFalse(parse("--no-measure").measure);
    }

    @Test
    void measureKeepsThemOn() {
        assertTrue(parse("--measure").measure);
    }
}
