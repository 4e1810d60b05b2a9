package dev.rkv.cli.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The fault × outcome table the fault-injection IT prints at the end and writes as markdown. */
public final class FaultTable {
    private record Row(String fault, String expected, String outcome, boolean passed) {
    }

    private final List<Row> rows = new ArrayList<>();

    public synchronized void passed(String fault, String expected, String outcome) {
        rows.add(new Row(fault, expected, outcome, true));
    }

    public synchronized void failed(String fault, String expected, Throwable t) {
        String msg = String.valueOf(t.getMessage());
        int nl = msg.indexOf('\n');
        rows.add(new Row(fault, expected, "FAILED: " + (nl > 0 ? msg.substring(0, nl) : msg), false));
    }

    public synchronized String markdown() {
        StringBuilder b = new StringBuilder("| fault | must hold | outcome | result |\n| --- | --- | --- | --- |\n");
        for (Row r : rows) {
            b.append("| ").append(cell(r.fault)).append(" | ").append(cell(r.expected)).append(" | ").append(cell(r.outcome))
                .append(" | ").append(r.passed ? "pass" : "**FAIL**").append(" |\n");
        }
        return b.toString();
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, markdown());
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
