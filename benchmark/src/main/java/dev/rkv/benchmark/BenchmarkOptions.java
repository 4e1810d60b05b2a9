package dev.rkv.benchmark;

import java.util.List;
import java.util.Locale;

/**
 * The options of one {@code rkv benchmark} run, named as redis-benchmark 7.0 names them, parsed
 * and validated once.
 *
 * @param host        {@code -h}, default 127.0.0.1
 * @param port        {@code -p}, default 6379
 * @param password    {@code -a}, or null: every connection sends AUTH first
 * @param user        {@code --user}, or null: AUTH user password (needs {@code -a})
 * @param clients     {@code -c}, parallel connections, default 50
 * @param requests    {@code -n}, requests per test, default 100000
 * @param dataSize    {@code -d}, value size of SET, GET, LPUSH ... in bytes, default 3
 * @param keyspace    {@code -r}, keys drawn from 0 to keyspace-1; {@link #NO_RANDOM_KEYS} without {@code -r}
 * @param pipeline    {@code -P}, requests each client sends at once, default 1
 * @param tests       {@code -t}, the comma list as given, lower-cased; null runs every test
 * @param threads     {@code --threads}, threads sharing the clients, each with its own poller; default 1
 * @param csv         {@code --csv}
 * @param quiet       {@code -q}
 * @param precision   {@code --precision}, significant figures of the latency histogram, 1 to 4, default 3
 *                    (as redis-benchmark 7.0 uses it; printed latencies always have 3 decimals)
 * @param dbnum       {@code --dbnum}, SELECTed first when not 0
 * @param rdma        {@code --rdma}: RESP over RDMA instead of TCP
 * @param provider    {@code --provider soft|shm|disni} with {@code --rdma}, or null (disni: a real RDMA device,
 *                    as valkey-benchmark's {@code --rdma} means)
 * @param replyTimeoutMillis {@code --reply-timeout}: a connection set up, or a worker's connections under load,
 *                    that get no reply for this long end the run with an error (a server that accepts and
 *                    stays silent); default {@value #DEFAULT_REPLY_TIMEOUT_MILLIS}
 * @param command     a command given after the options ({@code rkv benchmark -n 1000 lpush mylist __rand_int__}),
 *                    run instead of the tests; empty for the tests
 */
record BenchmarkOptions(String host, int port, String password, String user, int clients, long requests, int dataSize,
                        long keyspace, int pipeline, String tests, int threads, boolean csv, boolean quiet,
                        int precision, int dbnum, boolean rdma, String provider, int replyTimeoutMillis,
                        List<String> command) {

    static final long NO_RANDOM_KEYS = -1;
    static final int MAX_CLIENTS = 10_000;
    static final int MAX_THREADS = 500;
    /** Redis's proto-max-bulk-len default. */
    static final int MAX_DATA_SIZE = 512 << 20;
    static final long MAX_KEYSPACE = 1_000_000_000_000L;
    static final int DEFAULT_PRECISION = 3;
    static final int MAX_PRECISION = 4;
    static final List<String> PROVIDERS = List.of("soft", "shm", "disni");
    static final int DEFAULT_REPLY_TIMEOUT_MILLIS = 10_000;

    BenchmarkOptions {
        command = List.copyOf(command);
    }

    boolean randomKeys() {
        return keyspace != NO_RANDOM_KEYS;
    }

    /**
     * Parses the arguments that follow {@code rkv benchmark}.
     *
     * @return the options, or null when {@code --help} was asked for
     * @throws UsageException with a one-line message saying what is wrong
     */
    static BenchmarkOptions parse(String... args) throws UsageException {
        String host = "127.0.0.1";
        int port = 6379;
        String password = null;
        String user = null;
        int clients = 50;
        long requests = 100_000;
        int dataSize = 3;
        long keyspace = NO_RANDOM_KEYS;
        int pipeline = 1;
        String tests = null;
        int threads = 1;
        boolean csv = false;
        boolean quiet = false;
        int precision = DEFAULT_PRECISION;
        int dbnum = 0;
        boolean rdma = false;
        String provider = null;
        int replyTimeout = DEFAULT_REPLY_TIMEOUT_MILLIS;
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help" -> {
                    return null;
                }
                case "-h" -> host = value(args, i++);
                case "-p" -> port = (int) number(args, i++, 1, 65535);
                case "-a" -> password = value(args, i++);
                case "--user" -> user = value(args, i++);
                case "-c" -> clients = (int) number(args, i++, 1, MAX_CLIENTS);
                case "-n" -> requests = number(args, i++, 1, Long.MAX_VALUE / 4);
                case "-d" -> dataSize = (int) number(args, i++, 1, MAX_DATA_SIZE);
                case "-r" -> keyspace = number(args, i++, 0, MAX_KEYSPACE);
                case "-P" -> pipeline = (int) number(args, i++, 1, 1_000_000);
                case "-t" -> tests = value(args, i++).toLowerCase(Locale.ROOT);
                case "--threads" -> threads = (int) number(args, i++, 1, MAX_THREADS);
                case "--csv" -> csv = true;
                case "-q" -> quiet = true;
                case "--precision" -> {
                    long p = number(args, i++, Integer.MIN_VALUE, Integer.MAX_VALUE);
                    if (p == 0) {
                        throw new UsageException("--precision 0: the latency histogram needs 1 to "
                            + MAX_PRECISION + " significant figures");
                    }
                    // redis-benchmark 7.0: a negative precision means the default, a larger one the maximum.
                    precision = p < 0 ? DEFAULT_PRECISION : (int) Math.min(p, MAX_PRECISION);
                }
                case "--dbnum" -> dbnum = (int) number(args, i++, 0, Integer.MAX_VALUE);
                case "--rdma" -> rdma = true;
                case "--provider" -> {
                    provider = value(args, i++);
                    if (!PROVIDERS.contains(provider)) {
                        throw new UsageException("--provider " + provider + ": must be one of "
                            + String.join(", ", PROVIDERS));
                    }
                }
                case "--reply-timeout" -> replyTimeout = (int) number(args, i++, 1, Integer.MAX_VALUE);
                default -> {
                    if (a.startsWith("-")) {
                        throw new UsageException("unknown option " + a + " (rkv benchmark --help lists the options)");
                    }
                }
            }
            if (!a.startsWith("-")) {
                break;
            }
        }
        if (user != null && password == null) {
            throw new UsageException("--user needs -a <password>");
        }
        if (provider != null && !rdma) {
            throw new UsageException("--provider " + provider + " needs --rdma");
        }
        List<String> command = List.of(args).subList(Math.min(i, args.length), args.length);
        return new BenchmarkOptions(host, port, password, user, clients, requests, dataSize, keyspace, pipeline, tests,
            threads, csv, quiet, precision, dbnum, rdma, provider, replyTimeout, command);
    }

    private static String value(String[] args, int i) throws UsageException {
        if (i + 1 >= args.length) {
            throw new UsageException(args[i] + " needs a value");
        }
        return args[i + 1];
    }

    private static long number(String[] args, int i, long min, long max) throws UsageException {
        String v = value(args, i);
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(args[i] + " " + v + ": not a number");
        }
        if (n < min || n > max) {
            throw new UsageException(args[i] + " " + v + ": must be " + (max == Long.MAX_VALUE / 4
                ? "at least " + min : "between " + min + " and " + max));
        }
        return n;
    }

    static final String USAGE = """
        Usage: rkv benchmark [OPTIONS] [COMMAND ARGS...]

        A redis-benchmark compatible load generator: the same options, test names and output.

         -h <hostname>      Server hostname (default 127.0.0.1)
         -p <port>          Server port (default 6379)
         -a <password>      Password for Redis Auth
         --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.
         -c <clients>       Number of parallel connections (default 50)
         -n <requests>      Total number of requests (default 100000)
         -d <size>          Data size of SET/GET value in bytes (default 3)
         --dbnum <db>       SELECT the specified db number (default 0)
         --threads <num>    Threads sharing the clients, each with its own event loop (default 1)
         -r <keyspacelen>   Use random keys for SET/GET/INCR, random values for SADD,
                            random members and scores for ZADD: __rand_int__ inside an
                            argument becomes a 12-digit number from 0 to keyspacelen-1,
                            new for every request. Without -r every request uses the same key.
         -P <numreq>        Pipeline <numreq> requests. Default 1 (no pipeline).
         -q                 Quiet. Just show query/sec values
         --precision <n>    Significant figures of the latency histogram, 1 to 4 (default 3)
         --csv              Output in CSV format
         -t <tests>         Only run the comma separated list of tests. The test
                            names are the same as the ones produced as output
                            (ping selects both pings, lrange every lrange test).
                            Ignored when a command is given.
         --rdma             RESP over RDMA (the Valkey-over-RDMA protocol) instead of TCP
         --provider <name>  RDMA provider with --rdma: soft, shm or disni (default disni,
                            a real RDMA device)
         --reply-timeout <ms>  Stop with an error when no reply comes for this long
                            (default 10000)
         --help             Output this help and exit.

        Tests: PING_INLINE PING_MBULK SET GET INCR LPUSH RPUSH LPOP RPOP SADD HSET SPOP ZADD
        ZPOPMIN LRANGE_100 LRANGE_300 LRANGE_500 LRANGE_600 MSET

        Examples:
          rkv benchmark -p 6379 -t get,set -c 50 -n 200000 -d 1024 -P 16 --csv
          rkv benchmark -r 10000 -n 10000 lpush mylist __rand_int__
          rkv benchmark -p 6380 --rdma --provider shm -t get,set -c 30 -d 1024 --csv
        """;
}
