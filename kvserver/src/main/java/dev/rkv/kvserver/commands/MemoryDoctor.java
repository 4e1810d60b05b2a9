package dev.rkv.kvserver.commands;

import java.util.ArrayList;
import java.util.List;

/**
 * MEMORY DOCTOR's report: a few plain sentences on what in {@link MemoryOverhead} looks wrong,
 * or that nothing does. The thresholds are rules of thumb, as Redis's are.
 */
final class MemoryDoctor {
    /** A peak this many times the heap in use now is worth mentioning. */
    private static final double HIGH_PEAK = 1.5;
    /** A resident set this many times the heap in use is worth mentioning. */
    private static final double HIGH_FRAGMENTATION = 1.4;
    /** Client buffers above this on average per client are worth mentioning. */
    private static final long BIG_CLIENT_BUFFERS = 200 * 1024;

    private MemoryDoctor() {
    }

    static String report(MemoryOverhead m, long tooLittle) {
        if (m.total() - m.startup() < tooLittle) {
            return "rkv holds too little data for a useful memory report: almost everything in use is what the JVM "
                + "took to start. Ask again once the dataset has grown.\n";
        }
        List<String> findings = new ArrayList<>();
        if (m.peak() > m.total() * HIGH_PEAK) {
            findings.add("The heap in use peaked at " + m.peak() + " bytes and is " + m.total() + " now. The JVM "
                + "keeps what it committed for a while, so the process may look bigger than its data; "
                + "if that matters, cap the heap with -Xmx.");
        }
        if (m.fragmentation() > HIGH_FRAGMENTATION) {
            findings.add(String.format("The process holds %.2f times the heap in use (%d resident, %d in use): "
                + "committed heap, thread stacks and direct buffers count here too.", m.fragmentation(), m.rss(),
                m.total()));
        }
        if (m.clientBuffers() + m.replicaBuffers() > BIG_CLIENT_BUFFERS * Math.max(1, m.clients())) {
            findings.add("Client buffers hold " + (m.clientBuffers() + m.replicaBuffers()) + " bytes: some clients "
                + "read their replies slowly or send big pipelines; see CLIENT LIST (qbuf, omem) and "
                + "client-output-buffer-limit.");
        }
        if (findings.isEmpty()) {
            return "No memory problems found: the heap in use, its peak and the resident set look in proportion.\n";
        }
        return "Memory report:\n\n * " + String.join("\n\n * ", findings) + "\n";
    }
}
