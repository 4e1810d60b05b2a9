package dev.rkv.experiments.rdma;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Plots the table of {@code experiments/bench-rdma-clients.sh}: requests/s and average latency
 * per test (PING_MBULK, SET, GET), one bar per target (rkv over TCP, soft, shm; redis). Reads the
 * markdown the script wrote, so the plot shows exactly the figures of the table.
 *
 * <p>Usage: {@code RdmaClientsChart <rdma-clients.md> <rps.png> <latency.png>}
 */
public final class RdmaClientsChart {
    /** Columns of a table row: target, test, requests/s, avg ms, p95 ms, then ratios. */
    private static final int TARGET = 1;
    private static final int TEST = 2;
    private static final int RPS = 3;
    private static final int AVG_MS = 4;

    private RdmaClientsChart() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: RdmaClientsChart <rdma-clients.md> <rps.png> <latency.png>");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset rps = new DefaultCategoryDataset();
        DefaultCategoryDataset latency = new DefaultCategoryDataset();
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        int rows = 0;
        for (String line : lines) {
            String[] cells = line.split("\\|");
            // data rows: "| target | test | 123 | 0.140 | ..."; the header and the "---" line are not numbers
            if (cells.length <= AVG_MS || !cells[RPS].trim().matches("[0-9.]+")) {
                continue;
            }
            String target = cells[TARGET].trim();
            String test = cells[TEST].trim();
            rps.addValue(Double.parseDouble(cells[RPS].trim()), target, test);
            latency.addValue(Double.parseDouble(cells[AVG_MS].trim()), target, test);
            rows++;
        }
        if (rows == 0) {
            System.err.println("RdmaClientsChart: no table rows in " + args[0]);
            System.exit(1);
        }
        save(ChartFactory.createBarChart("rkv benchmark, 30 clients, 1 KiB values: requests per second", "test",
            "requests/s", rps, PlotOrientation.VERTICAL, true, false, false), args[1]);
        save(ChartFactory.createBarChart("rkv benchmark, 30 clients, 1 KiB values: average latency", "test",
            "ms", latency, PlotOrientation.VERTICAL, true, false, false), args[2]);
    }

    private static void save(JFreeChart chart, String file) throws IOException {
        ChartUtils.saveChartAsPNG(Path.of(file).toFile(), chart, 900, 500);
    }
}
