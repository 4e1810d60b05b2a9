#!/usr/bin/env bash
# Which garbage collector keeps rkv's worst latency down under SET -P 16 (issue 13).
#
# For each set of JVM options given (default: the parallel collector, G1, G1 with a 20 ms pause
# goal, ZGC, Shenandoah), starts rkv with them, fills 1M keys of 1,000 bytes, then runs
# redis-benchmark SET -P 16 (50 clients, random keys over 1M) ROUNDS times and prints rps, p99
# and max latency of each round, with redis-server measured the same way first, and the JVM's
# resident memory at the end.
#
# Usage: experiments/bench-gc.sh [requests per round (default 300000)] [JVM options...]
# ROUNDS (default 3) rounds per collector.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300000}
shift || true
ROUNDS=${ROUNDS:-3}
if [[ $# -eq 0 ]]; then
  set -- "-XX:+UseParallelGC" "-XX:+UseG1GC" "-XX:+UseG1GC -XX:MaxGCPauseMillis=20" "-XX:+UseZGC" \
    "-XX:+UseShenandoahGC"
fi
# shellcheck source=lib/common.sh
source experiments/lib/common.sh
require_tools redis-server redis-cli redis-benchmark python3

set_round() { # port
  redis-benchmark -p "$1" -t set -c 50 -d 1000 -r 1000000 -n "$N" -P 16 --csv 2>/dev/null \
    | awk -F',' 'NR==2 { gsub(/"/, ""); printf "rps %.0f p99 %s max %s\n", $2, $7, $8 }'
}
fill() { # port
  redis-benchmark -p "$1" -t set -c 50 -d 1000 -r 1000000 -n 2000000 -P 16 -q >/dev/null 2>&1
}

PORT=$(free_port)
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" --daemonize no \
  --loglevel warning >"$tmp/redis.log" 2>&1 &
REDIS_PID=$!
await_ping "$PORT"
fill "$PORT"
for _ in $(seq "$ROUNDS"); do echo "redis-server: $(set_round "$PORT")"; done
kill "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null || true

for opts in "$@"; do
  PORT=$(free_port)
  JAVA_OPTS="$opts" run_rkv server --port "$PORT" --save '' --loglevel warning >"$tmp/rkv.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  await_ping "$PORT"
  fill "$PORT"
  for _ in $(seq "$ROUNDS"); do echo "rkv $opts: $(set_round "$PORT")"; done
  echo "rkv $opts: RSS $(($(awk '/VmRSS/ { print $2 }' "/proc/$pid/status") / 1024)) MB"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
