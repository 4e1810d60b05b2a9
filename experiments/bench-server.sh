#!/usr/bin/env bash
# Throughput and latency of rkv beside redis-server, same machine, same run.
#
# Starts Debian's redis-server and rkv on free loopback ports, then runs redis-benchmark
# against each: GET and SET, 50 clients, 1,000-byte values, random keys over 1M, without
# pipelining and with -P 16. Prints a markdown table with rkv/redis ratios and writes it to
# experiments/results/server-bench.md.
#
# Usage: experiments/bench-server.sh [requests-per-test (default 200000)]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}
# shellcheck source=lib/common.sh
source experiments/lib/common.sh
require_tools redis-server redis-cli redis-benchmark python3

REDIS_PORT=$(free_port); RKV_PORT=$(free_port)

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" --daemonize no \
  --loglevel warning >"$tmp/redis.log" 2>&1 &
REDIS_PID=$!
PIDS+=("$REDIS_PID")
java -Xms2g -Xmx4g -XX:+UseParallelGC -jar "$JAR" server --port "$RKV_PORT" --save '' --loglevel warning \
  >"$tmp/rkv.log" 2>&1 &
RKV_PID=$!
PIDS+=("$RKV_PID")
for p in "$REDIS_PORT" "$RKV_PORT"; do await_ping "$p"; done

# One test: prints "rps p50 p99" from redis-benchmark's CSV line.
run() { # port test pipeline
  redis-benchmark -p "$1" -t "$2" -c 50 -d 1000 -r 1000000 -n "$N" -P "$3" --csv 2>/dev/null \
    | awk -F',' 'NR==2 { gsub(/"/, ""); print $2, $5, $7 }'
}

# The JVM needs several passes before its JIT has compiled the hot paths; redis-server gets the
# same passes so both serve the same dataset when measured.
echo "warming up both servers (JIT, allocation): 3 passes of set,get with and without -P 16 ..." >&2
for p in "$REDIS_PORT" "$RKV_PORT"; do
  for _ in 1 2 3; do
    redis-benchmark -p "$p" -t set,get -c 50 -d 1000 -r 1000000 -n "$N" -P 16 -q >/dev/null 2>&1
    redis-benchmark -p "$p" -t set,get -c 50 -d 1000 -r 1000000 -n $((N / 4)) -q >/dev/null 2>&1
  done
done

out=experiments/results/server-bench.md
{
  echo "redis-benchmark -c 50 -d 1000 -r 1000000 -n $N on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "| test | pipeline | redis rps | rkv rps | rkv/redis | redis p50 ms | rkv p50 ms | redis p99 ms | rkv p99 ms | p99 rkv/redis |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for P in 1 16; do
    for t in set get; do
      echo "running $t -P $P ..." >&2
      read -r rr rp50 rp99 < <(run "$REDIS_PORT" "$t" "$P")
      read -r kr kp50 kp99 < <(run "$RKV_PORT" "$t" "$P")
      awk -v t="$t" -v P="$P" -v rr="$rr" -v kr="$kr" -v rp50="$rp50" -v kp50="$kp50" -v rp99="$rp99" -v kp99="$kp99" \
        'BEGIN { printf "| %s | %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.3f | %.3f | %.2f |\n",
                 toupper(t), P, rr, kr, kr / rr, rp50, kp50, rp99, kp99, (rp99 > 0 ? kp99 / rp99 : 0) }'
    done
  done
} | tee "$out"
echo "written to $out" >&2
