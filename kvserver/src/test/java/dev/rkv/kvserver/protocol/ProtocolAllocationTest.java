package dev.rkv.kvserver.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import org.junit.jupiter.api.Test;

/** Allocation budgets, measured with the JVM's per-thread allocation counter where it exists. */
class ProtocolAllocationTest {

    private static com.sun.management.ThreadMXBean threads() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        return threads;
    }

    private static long allocated(com.sun.management.ThreadMXBean threads) {
        return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void pipelinedSetWithOneKilobyteValueAllocatesOnlyArgvAndArguments() {
        com.sun.management.ThreadMXBean threads = threads();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int commands = 2000;
        for (int i = 0; i < commands; i++) {
            out.writeBytes(ParserDriver.multibulk("SET", "key:" + (100000 + i), "v".repeat(1024)));
        }
        byte[] input = out.toByteArray();
        RespParser p = new RespParser(ProtocolLimits.DEFAULTS);
        ByteBuffer in = ByteBuffer.wrap(input);
        // Warm up, then measure a second pass.
        for (int round = 0; round < 2; round++) {
            in.clear();
            long before = allocated(threads);
            int parsed = 0;
            while (p.parse(in) == RespParser.Status.COMMAND) {
                parsed++;
            }
            long perCommand = (allocated(threads) - before) / commands;
            assertEquals(commands, parsed);
            // argv (16 + 3 refs) + "SET" + "key:NNNNNN" + 1024-byte value, with array headers: ~1.1 KB.
            if (round == 1) {
                assertTrue(perCommand < 1024 + 200, "allocated " + perCommand + " bytes per command");
            }
        }
    }

    @Test
    void hugeBulkLengthWithoutPayloadAllocatesUnderOneMegabyte() {
        com.sun.management.ThreadMXBean threads = threads();
        RespParser p = new RespParser(ProtocolLimits.DEFAULTS);
        long before = allocated(threads);
        assertEquals(RespParser.Status.NEED_MORE,
                p.parse(ByteBuffer.wrap(ParserDriver.bytes("*1048576\r\n$536870000\r\n"))));
        long used = allocated(threads) - before;
        assertTrue(used < 1024 * 1024, "allocated " + used + " bytes");
    }

    @Test
    void writerReferencesBigBulksWithoutAChunkPerBulk() throws java.io.IOException {
        com.sun.management.ThreadMXBean threads = threads();
        byte[] value = new byte[20_000];
        ByteArrayOutputStream sink = new ByteArrayOutputStream(4_000_000);
        RespWriter w = new RespWriter();
        for (int round = 0; round < 2; round++) {
            sink.reset();
            long before = allocated(threads);
            for (int i = 0; i < 100; i++) {
                w.bulk(value).integer(i);
            }
            long used = allocated(threads) - before;
            assertEquals(100L * (value.length + 13) + 190, w.pending());
            w.writeTo(Channels.newChannel(sink));
            if (round == 1) {
                // 100 read-only wrappers and slices plus a few chunks; copying would be over 2 MB.
                assertTrue(used < 64 * 1024, "allocated " + used + " bytes");
            }
        }
    }

    @Test
    void writerAllocatesNothingForSmallRepliesDrainedEachTime() throws java.io.IOException {
        com.sun.management.ThreadMXBean threads = threads();
        RespWriter w = new RespWriter();
        java.nio.channels.WritableByteChannel sink = Channels.newChannel(java.io.OutputStream.nullOutputStream());
        byte[] value = new byte[1024];
        for (int round = 0; round < 2; round++) {
            long before = allocated(threads);
            for (int i = 0; i < 10_000; i++) {
                w.bulk(value).raw(Replies.OK).integer(i);
                w.writeTo(sink);
            }
            long used = allocated(threads) - before;
            if (round == 1) {
                // Channels.newChannel copies through its own buffer; the writer itself adds nothing per reply.
                assertTrue(used < 10_000L * 64, "allocated " + used + " bytes");
            }
        }
    }
}
