#!/usr/bin/env bash
# Throughput and latency of rkv beside redis-server, same machine, same run.
#
# Starts Debian's redis-server and rkv on free loopback ports, then runs redis-benchmark
# against each: GET and SET, 50 clients, 1,000-byte values, random keys over 1M, without
# pipelining and with -P 16; then the collection tests (LPUSH ... LRANGE_600, redis-benchmark's
# own commands and its default 3-byte values), 50 clients, -P 1 and -P 16. Prints two markdown
# tables with rkv/redis ratios and writes them to experiments/results/server-bench.md.
#
# Also, for issue 13: the worst (max) latency of every run, one client without pipelining (p50
# latency), and GET/SET of a 1 MB value (a handful of clients, fewer requests).
#
# Usage: experiments/bench-server.sh [requests-per-test (default 200000)] [requests-per-collection-test (default a quarter of that)]
# COLLECTIONS=no skips the collection table (the string rows take about 3 minutes);
# OUT names the results file (default experiments/results/server-bench.md);
# RKV_ARGS adds server arguments to rkv (e.g. RKV_ARGS="--io-threads 2").
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}
# The collection table has 44 runs; a quarter of N keeps the script near 10 minutes on 2 cores.
NC=${2:-$((N / 4))}
COLLECTION_TESTS="lpush rpush lpop rpop sadd hset spop zadd zpopmin lrange_100 lrange_600"
# shellcheck source=lib/common.sh
source experiments/lib/common.sh
require_tools redis-server redis-cli redis-benchmark python3

REDIS_PORT=$(free_port); RKV_PORT=$(free_port)

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" --daemonize no \
  --loglevel warning >"$tmp/redis.log" 2>&1 &
REDIS_PID=$!
PIDS+=("$REDIS_PID")
# shellcheck disable=SC2086
run_rkv server --port "$RKV_PORT" --save '' --loglevel warning ${RKV_ARGS:-} \
  >"$tmp/rkv.log" 2>&1 &
RKV_PID=$!
PIDS+=("$RKV_PID")
for p in "$REDIS_PORT" "$RKV_PORT"; do await_ping "$p"; done

# One test: prints "rps p50 p99 max" from redis-benchmark's CSV line.
run() { # port test pipeline [clients (50)] [value bytes (1000)] [requests (N)] [keys (1000000)]
  redis-benchmark -p "$1" -t "$2" -c "${4:-50}" -d "${5:-1000}" -r "${7:-1000000}" -n "${6:-$N}" -P "$3" --csv 2>/dev/null \
    | awk -F',' 'NR==2 { gsub(/"/, ""); print $2, $5, $7, $8 }'
}

# One collection test: prints "rps p50 p99". The LRANGE tests first LPUSH the list they read,
# as a line of their own: the line kept is the one named after the test.
run_collection() { # port test pipeline
  redis-benchmark -p "$1" -t "$2" -c 50 -r 1000000 -n "$NC" -P "$3" --csv 2>/dev/null \
    | awk -F',' -v t="$2" '{ gsub(/"/, "") } tolower($1) ~ "^" t { print $2, $5, $7; exit }'
}

# A markdown row with the max latencies too, from two "rps p50 p99 max" quadruples.
row_max() { # name pipeline clients redis-rps redis-p50 redis-p99 redis-max rkv-rps rkv-p50 rkv-p99 rkv-max
  awk -v t="$1" -v P="$2" -v c="$3" -v rr="$4" -v rp50="$5" -v rp99="$6" -v rmax="$7" \
      -v kr="$8" -v kp50="$9" -v kp99="${10}" -v kmax="${11}" \
    'BEGIN { printf "| %s | %s | %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.2f | %.3f | %.3f | %.2f | %.1f | %.1f | %.2f |\n",
             t, P, c, rr, kr, (rr > 0 ? kr / rr : 0), rp50, kp50, (rp50 > 0 ? kp50 / rp50 : 0),
             rp99, kp99, (rp99 > 0 ? kp99 / rp99 : 0), rmax, kmax, (rmax > 0 ? kmax / rmax : 0) }'
}

# A markdown row from two "rps p50 p99" triples.
row() { # name pipeline redis-rps redis-p50 redis-p99 rkv-rps rkv-p50 rkv-p99
  awk -v t="$1" -v P="$2" -v rr="$3" -v rp50="$4" -v rp99="$5" -v kr="$6" -v kp50="$7" -v kp99="$8" \
    'BEGIN { printf "| %s | %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.3f | %.3f | %.2f |\n",
             t, P, rr, kr, (rr > 0 ? kr / rr : 0), rp50, kp50, rp99, kp99, (rp99 > 0 ? kp99 / rp99 : 0) }'
}

# The JVM needs several passes before its JIT has compiled the hot paths; redis-server gets the
# same passes so both serve the same dataset when measured.
echo "warming up both servers (JIT, allocation): 3 passes of set,get with and without -P 16 ..." >&2
for p in "$REDIS_PORT" "$RKV_PORT"; do
  for _ in 1 2 3; do
    redis-benchmark -p "$p" -t set,get -c 50 -d 1000 -r 1000000 -n "$N" -P 16 -q >/dev/null 2>&1
    redis-benchmark -p "$p" -t set,get -c 50 -d 1000 -r 1000000 -n $((N / 4)) -q >/dev/null 2>&1
  done
  # One pass over the collection commands, so the JIT has seen them too; then both start empty again.
  redis-benchmark -p "$p" -t "${COLLECTION_TESTS// /,}" -c 50 -r 1000000 -n "$NC" -P 16 -q >/dev/null 2>&1
  redis-cli -p "$p" flushall >/dev/null
done

out=${OUT:-experiments/results/server-bench.md}
{
  echo "redis-benchmark -c 50 -d 1000 -r 1000000 -n $N on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); rkv server JVM options: $(rkv_jvm_options server)"
  echo
  echo "| test | pipeline | clients | redis rps | rkv rps | rkv/redis | redis p50 ms | rkv p50 ms | p50 rkv/redis | redis p99 ms | rkv p99 ms | p99 rkv/redis | redis max ms | rkv max ms | max rkv/redis |"
  echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for P in 1 16; do
    for t in set get; do
      echo "running $t -P $P ..." >&2
      read -r rr rp50 rp99 rmax < <(run "$REDIS_PORT" "$t" "$P")
      read -r kr kp50 kp99 kmax < <(run "$RKV_PORT" "$t" "$P")
      row_max "${t^^}" "$P" 50 "$rr" "$rp50" "$rp99" "$rmax" "$kr" "$kp50" "$kp99" "$kmax"
    done
  done
  # One client without pipelining: the latency of a lone request, round trip included.
  for t in set get; do
    echo "running $t, 1 client ..." >&2
    read -r rr rp50 rp99 rmax < <(run "$REDIS_PORT" "$t" 1 1 1000 $((N / 10)))
    read -r kr kp50 kp99 kmax < <(run "$RKV_PORT" "$t" 1 1 1000 $((N / 10)))
    row_max "${t^^}" 1 1 "$rr" "$rp50" "$rp99" "$rmax" "$kr" "$kp50" "$kp99" "$kmax"
  done
  # 1 MB values over 100 keys: the copies a large value costs (the keys are then dropped).
  for t in set get; do
    echo "running $t 1 MB ..." >&2
    read -r rr rp50 rp99 rmax < <(run "$REDIS_PORT" "$t" 1 4 1048576 2000 100)
    read -r kr kp50 kp99 kmax < <(run "$RKV_PORT" "$t" 1 4 1048576 2000 100)
    row_max "${t^^} 1MB" 1 4 "$rr" "$rp50" "$rp99" "$rmax" "$kr" "$kp50" "$kp99" "$kmax"
  done
  for p in "$REDIS_PORT" "$RKV_PORT"; do redis-cli -p "$p" flushall >/dev/null; done
  if [[ ${COLLECTIONS:-yes} != no ]]; then
  echo
  echo "Collections: redis-benchmark -c 50 -r 1000000 -n $NC (default 3-byte values), each test run on redis then rkv, in"
  echo "redis-benchmark's order, so both servers hold the same lists, sets and sorted sets when measured"
  echo
  echo "| test | pipeline | redis rps | rkv rps | rkv/redis | redis p50 ms | rkv p50 ms | redis p99 ms | rkv p99 ms | p99 rkv/redis |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for P in 1 16; do
    for t in $COLLECTION_TESTS; do
      echo "running $t -P $P ..." >&2
      read -r rr rp50 rp99 < <(run_collection "$REDIS_PORT" "$t" "$P")
      read -r kr kp50 kp99 < <(run_collection "$RKV_PORT" "$t" "$P")
      row "${t^^}" "$P" "$rr" "$rp50" "$rp99" "$kr" "$kp50" "$kp99"
    done
  done
  fi
  echo
  echo "Machine load while it ran (shared, noisy): $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
} | tee "$out"
echo "written to $out" >&2
