package dev.rkv.cli;

import dev.rkv.benchmark.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rkv benchmark -h host -p port -c clients -n requests -d size -r keyspace -P pipeline -t tests
 * --threads N --csv -q}: the redis-benchmark compatible load generator of the benchmark module. Its
 * options are redis-benchmark's, so they are passed through as they are ({@code -h} is the host,
 * not help); {@code rkv benchmark --help} lists them.
 */
@Command(name = "benchmark", description = "Load generator compatible with redis-benchmark (options, tests, output).")
final class BenchmarkCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return Benchmark.execute(args.toArray(new String[0]), System.out, System.err);
    }
}
