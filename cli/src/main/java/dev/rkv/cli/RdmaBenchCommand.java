package dev.rkv.cli;

import dev.rkv.experiments.rdma.RdmaBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rkv rdma-bench --provider soft|shm --op read --size BYTES --outstanding N --seconds S}:
 * READ bandwidth and latency in the manner of ib_read_bw / ib_read_lat. The options are the
 * benchmark's own; {@code rkv rdma-bench --help} lists them.
 */
@Command(name = "rdma-bench", description = "RDMA READ bandwidth and latency per provider (ib_read_bw style).")
final class RdmaBenchCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return RdmaBench.execute(args.toArray(new String[0]), System.out, System.err);
    }
}
