package dev.rkv.experiments.syncstudy;

import dev.rkv.experiments.syncstudy.Topology.Link;

/**
 * The published study's figures (937 MB; seconds), as issue 12 quotes them. NaN: not measured
 * there. The RDMA row's link is compared with our unshaped ("fast") link.
 */
final class Published {
    private Published() {
    }

    static final double FULL_MB = 937;
    static final double FIO_MBPS = 96.97;

    /** iperf / ib_read_bw of the link, MB/s. */
    static double linkMbps(Link l) {
        return switch (l) {
            case ROUTER -> 11.78;
            case DIRECT -> 117.8;
            case ROCE -> 190.72;
            case FAST -> 3180.76;
        };
    }

    static String linkName(Link l) {
        return switch (l) {
            case ROUTER -> "TCP using router";
            case DIRECT -> "TCP direct";
            case ROCE -> "RoCE";
            case FAST -> "RDMA READ of the mapping table";
        };
    }

    /** Sync seconds with (disk) or without disk writing, for 1..3 slaves. */
    static double seconds(Link l, boolean disk, int slaves) {
        double[] row = switch (l) {
            case ROUTER -> disk ? new double[] {98, 174.3, 259.9} : new double[] {87.6, 154.3, 243.2};
            case DIRECT -> disk ? new double[] {19.0, 21.1, Double.NaN} : new double[] {4.89, 5.05, Double.NaN};
            case ROCE -> disk ? new double[] {21.03, 26.67, 27.09} : new double[] {2.55, 2.62, 2.65};
            case FAST -> new double[] {0.031, 0.032, 0.031};
        };
        return slaves >= 1 && slaves <= 3 ? row[slaves - 1] : Double.NaN;
    }
}
