#!/usr/bin/env bash
# The published Valkey-over-RDMA table, for rkv: PING_MBULK, SET and GET requests/s and avg/p95
# latency, 1 KiB values, 30 clients, for rkv over TCP, over soft RDMA and over shm RDMA, all
# measured with `rkv benchmark` in one run; redis-server over TCP as the reference (measured with
# rkv benchmark too), and redis-benchmark against redis-server as a sanity row (it should agree
# with rkv benchmark's redis row on requests/s; its latency reads lower by design, see
# benchmark/README.md "How it measures").
#
# Two rkv servers (cli/bin/rkv, the launcher's JVM settings): one with an shm RDMA listener, whose
# TCP port gives the TCP rows, one with a soft RDMA listener. Each target gets a warm-up pass (the
# server's JIT), then ROUNDS rounds run the targets one after the other; each cell is the median of
# its rounds. Writes experiments/results/rdma-clients.md and two bar charts beside it,
# rdma-clients-rps.png and rdma-clients-latency.png (JFreeChart, as the sync study's plots).
#
# Usage: experiments/bench-rdma-clients.sh [requests-per-test (default 100000)] [rounds (default 3)]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
ROUNDS=${2:-3}
TESTS=ping_mbulk,set,get
# shellcheck source=lib/common.sh
source experiments/lib/common.sh
require_tools redis-server redis-cli redis-benchmark python3

REDIS_PORT=$(free_port); SHM_TCP=$(free_port); SHM_RDMA=$(free_port); SOFT_TCP=$(free_port); SOFT_RDMA=$(free_port)

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" --daemonize no \
  --loglevel warning >"$tmp/redis.log" 2>&1 &
PIDS+=($!)
run_rkv server --port "$SHM_TCP" --rdma-port "$SHM_RDMA" --rdma-provider shm --save '' --loglevel warning \
  >"$tmp/rkv-shm.log" 2>&1 &
PIDS+=($!)
run_rkv server --port "$SOFT_TCP" --rdma-port "$SOFT_RDMA" --rdma-provider soft --save '' --loglevel warning \
  >"$tmp/rkv-soft.log" 2>&1 &
PIDS+=($!)
for p in "$REDIS_PORT" "$SHM_TCP" "$SOFT_TCP"; do await_ping "$p"; done

# target name -> the rkv benchmark arguments that reach it
declare -A TARGET=(
  [rkv-tcp]="-p $SHM_TCP"
  [rkv-soft]="-p $SOFT_RDMA --rdma --provider soft"
  [rkv-shm]="-p $SHM_RDMA --rdma --provider shm"
  [redis-tcp]="-p $REDIS_PORT"
)
ORDER=(rkv-tcp rkv-soft rkv-shm redis-tcp)

# One pass of rkv benchmark: appends "target test rps avg p95" lines to $tmp/samples.
bench() { # target requests
  # shellcheck disable=SC2086
  run_rkv benchmark ${TARGET[$1]} -t "$TESTS" -c 30 -d 1024 -n "$2" --csv \
    | awk -F',' -v t="$1" 'NR > 1 { gsub(/"/, ""); print t, $1, $2, $3, $6 }'
}

echo "warming up every target (server JIT): one pass of $TESTS at -n $N ..." >&2
for t in "${ORDER[@]}"; do bench "$t" "$N" >/dev/null; done

: >"$tmp/samples"
for r in $(seq "$ROUNDS"); do
  for t in "${ORDER[@]}"; do
    echo "round $r/$ROUNDS: $t ..." >&2
    bench "$t" "$N" >>"$tmp/samples"
  done
  echo "round $r/$ROUNDS: redis-benchmark against redis-server ..." >&2
  redis-benchmark -p "$REDIS_PORT" -t "$TESTS" -c 30 -d 1024 -n "$N" --csv 2>/dev/null \
    | awk -F',' 'NR > 1 { gsub(/"/, ""); print "redis-benchmark->redis-tcp", $1, $2, $3, $6 }' >>"$tmp/samples"
done

out=experiments/results/rdma-clients.md
{
  echo "rkv benchmark -t $TESTS -c 30 -d 1024 -n $N (no -r: one key, as the published table), median of $ROUNDS rounds,"
  echo "on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)."
  echo "rkv server JVM options: $(rkv_jvm_options server); rkv benchmark: $(rkv_jvm_options benchmark)."
  echo "PING is PING_MBULK. rkv-tcp is the TCP port of the server whose RDMA listener gives rkv-shm."
  echo
  python3 - "$tmp/samples" <<'EOF'
import statistics, sys
cells = {}
order = []
for line in open(sys.argv[1]):
    target, test, rps, avg, p95 = line.split()
    key = (target, test)
    if key not in cells:
        cells[key] = []
        order.append(key)
    cells[key].append((float(rps), float(avg), float(p95)))
med = {k: tuple(statistics.median(v[i] for v in vs) for i in range(3)) for k, vs in cells.items()}
print("| target | test | requests/s | avg ms | p95 ms | rps / rkv-tcp | avg / rkv-tcp | p95 / rkv-tcp |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for target, test in order:
    rps, avg, p95 = med[(target, test)]
    base = med.get(("rkv-tcp", test))
    ratio = lambda a, b: f"{a / b:.2f}" if b else "-"
    print(f"| {target} | {test} | {rps:.0f} | {avg:.3f} | {p95:.3f} | {ratio(rps, base[0])} | "
          f"{ratio(avg, base[1])} | {ratio(p95, base[2])} |")
print()
for test in ("GET",):
    tcp, shm, soft = med.get(("rkv-tcp", test)), med.get(("rkv-shm", test)), med.get(("rkv-soft", test))
    if tcp and shm and soft:
        print(f"Targets (issue 11), {test}: shm RDMA >= 2x TCP requests/s: {shm[0] / tcp[0]:.2f}x "
              f"({'met' if shm[0] >= 2 * tcp[0] else 'NOT met'}); shm avg latency <= 0.5x TCP: "
              f"{shm[1] / tcp[1]:.2f}x ({'met' if shm[1] <= 0.5 * tcp[1] else 'NOT met'}); soft RDMA not worse "
              f"than TCP: {soft[0] / tcp[0]:.2f}x requests/s ({'met' if soft[0] >= tcp[0] else 'NOT met'}).")
EOF
  echo
  echo "Machine load while it ran (shared, noisy): $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
  echo
  echo "![requests per second](rdma-clients-rps.png)"
  echo "![average latency](rdma-clients-latency.png)"
} | tee "$out"
java -cp "$JAR" dev.rkv.experiments.rdma.RdmaClientsChart "$out" experiments/results/rdma-clients-rps.png \
  experiments/results/rdma-clients-latency.png
echo "written to $out, experiments/results/rdma-clients-rps.png and rdma-clients-latency.png" >&2
