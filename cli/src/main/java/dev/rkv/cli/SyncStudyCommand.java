package dev.rkv.cli;

import dev.rkv.experiments.syncstudy.Report;
import dev.rkv.experiments.syncstudy.SyncStudy;
import dev.rkv.experiments.syncstudy.SyncStudy.SystemKind;
import dev.rkv.experiments.syncstudy.Topology;
import dev.rkv.experiments.syncstudy.Topology.Link;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rkv experiment sync-study}: the published master-slave sync study, on emulated links. */
@Command(name = "sync-study", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Reproduce the published Redis master-slave sync-time study on this machine: network namespaces joined "
        + "by veth pairs shaped with tc (router: one 100 Mbit uplink shared by all slaves; direct: 1 Gbit per slave; roce: "
        + "1.5 Gbit; fast: unshaped), the master and slaves in their namespaces, every system timed per link and slave "
        + "count, with the master's CPU seconds, plus the bandwidth table (iperf3, fio, raw READ of soft and shm). "
        + "Writes a markdown report and PNG plots to --out. Needs root, ip and tc; Ctrl-C removes every namespace."})
final class SyncStudyCommand implements Callable<Integer> {
    static final double DEFAULT_SCALE = 0.05;

    @Option(names = "--scale", defaultValue = "" + DEFAULT_SCALE,
        description = "Fraction of the study's 937 MB (937,000 keys x 1,000 B); 1 = full size. Default: ${DEFAULT-VALUE}.")
    double scale;

    @Option(names = "--links", defaultValue = "router,direct,roce,fast", description = "Links, comma-separated. Default: ${DEFAULT-VALUE}.")
    String links;

    @Option(names = "--replicas", defaultValue = "1,2,3", description = "Slave counts, comma-separated, 1-3. Default: ${DEFAULT-VALUE}.")
    String replicas;

    @Option(names = "--systems", defaultValue = "redis-disk,redis-diskless,rkv-disk,rkv-diskless,rkv-soft,rkv-shm",
        description = "Systems, comma-separated. Default: ${DEFAULT-VALUE}.")
    String systems;

    @Option(names = "--out", defaultValue = "sync-study", description = "Directory for sync-study.md and the PNGs. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--keep-work", description = "Keep the scratch directory (server logs, dumps) for a post-mortem.")
    boolean keepWork;

    @Override
    public Integer call() throws Exception {
        SyncStudy.Options o = options();
        String problem = Topology.problem();
        if (problem != null) {
            System.err.println("rkv experiment sync-study: cannot run here: " + problem);
            return 3;
        }
        if (Topology.which("redis-server") == null && o.systems().stream().anyMatch(s -> s.label.startsWith("redis"))) {
            System.err.println("rkv experiment sync-study: redis-server not found: apt-get install -y redis-server, "
                + "or leave redis-* out of --systems");
            return 3;
        }
        SyncStudy.Results r = new SyncStudy(o, System.err).run();
        List<Path> files = Report.write(r, "rkv experiment sync-study --scale " + scale + " --links " + links + " --replicas " + replicas
            + " --systems " + systems + " --out " + out);
        for (Path f : files) {
            System.out.println("wrote " + f);
        }
        long failed = r.cells().stream().filter(c -> !c.ok()).count();
        if (failed > 0) {
            System.err.println("rkv experiment sync-study: " + failed + " cell(s) failed; see the report's notes");
            return 1;
        }
        return 0;
    }

    /** @throws IllegalArgumentException naming the wrong option */
    SyncStudy.Options options() {
        if (!(scale > 0 && scale <= 4)) {
            throw new IllegalArgumentException("--scale must be in (0, 4], was " + scale);
        }
        List<Link> ls = new ArrayList<>();
        for (String s : split(links, "--links")) {
            Link l = Link.parse(s);
            if (!ls.contains(l)) {
                ls.add(l);
            }
        }
        List<Integer> rs = new ArrayList<>();
        for (String s : split(replicas, "--replicas")) {
            int n;
            try {
                n = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--replicas takes numbers 1-3, was '" + s + "'");
            }
            if (n < 1 || n > 3) {
                throw new IllegalArgumentException("--replicas takes numbers 1-3, was " + n);
            }
            if (!rs.contains(n)) {
                rs.add(n);
            }
        }
        List<SystemKind> ss = new ArrayList<>();
        for (String s : split(systems, "--systems")) {
            SystemKind k = SystemKind.parse(s);
            if (!ss.contains(k)) {
                ss.add(k);
            }
        }
        String cp = System.getProperty("rkv.classpath", System.getProperty("java.class.path"));
        return new SyncStudy.Options(scale, ls, rs, ss, out, cp, keepWork);
    }

    private static List<String> split(String list, String option) {
        List<String> parts = Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (parts.isEmpty()) {
            throw new IllegalArgumentException(option + " needs at least one value");
        }
        return parts.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }
}
