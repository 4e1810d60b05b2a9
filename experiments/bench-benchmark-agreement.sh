#!/usr/bin/env bash
# Does `rkv benchmark` measure what redis-benchmark measures? Both load generators run against
# the same redis-server, same machine, same run, with the same options: -c 50 -n 200000
# -d 1024 -t get,set, without pipelining and with -P 16 (issue 11: requests/s within 15%);
# then the same with -r 1000000 (random keys, as experiments/bench-server.sh runs them).
#
# Each configuration runs REPEAT times, the two tools alternating and taking turns to go first.
# The table shows each tool's median requests/s (and its runs), their ratio, the median p50, and
# how busy redis-server was while each tool measured it: its CPU seconds (INFO cpu) over the
# tests' own durations (n / rps). A figure near 100% means the server was the bottleneck, as a
# benchmark of the server wants; well below, the load generator itself was (on 2 cores each has
# one). The server is Debian's redis-server, not rkv's. The table is printed and written to
# experiments/results/benchmark-agreement.md.
#
# Usage: experiments/bench-benchmark-agreement.sh [requests (default 200000)]
# Env:   REPEAT (default 3); JAVA_OPTS replaces the launcher's JVM options (a tuned run).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}
REPEAT=${REPEAT:-3}
BASE=(-c 50 -n "$N" -d 1024 -t get,set)
# shellcheck source=lib/common.sh
source experiments/lib/common.sh
require_tools redis-server redis-cli redis-benchmark python3

PORT=$(free_port)
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" --daemonize no \
  --loglevel warning >"$tmp/redis.log" 2>&1 &
PIDS+=("$!")
await_ping "$PORT"

server_cpu() { redis-cli -p "$PORT" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { printf "%.6f", s }'; }

# One run: appends "TEST rps p50" per test to $tmp/TOOL-KEYS-P.txt, and "busy" (the server's CPU
# seconds over the tests' durations) to $tmp/TOOL-KEYS-P.busy.
run() { # tool keys(fixed|random) pipeline
  local opts=("${BASE[@]}" -P "$3") name="$tmp/$1-$2-P$3"
  [[ $2 == random ]] && opts+=(-r 1000000)
  local before after
  before=$(server_cpu)
  case $1 in
    redis) redis-benchmark -p "$PORT" "${opts[@]}" --csv ;;
    rkv) run_rkv benchmark -p "$PORT" "${opts[@]}" --csv ;;
  esac | awk -F',' 'NR > 1 { gsub(/"/, ""); print $1, $2, $5 }' >"$name.last"
  after=$(server_cpu)
  cat "$name.last" >>"$name.txt"
  awk -v n="$N" -v cpu="$(awk -v a="$after" -v b="$before" 'BEGIN { print a - b }')" \
    '{ t += n / $2 } END { printf "%.0f\n", 100 * cpu / t }' "$name.last" >>"$name.busy"
}

for keys in fixed random; do
  for P in 1 16; do
    for i in $(seq "$REPEAT"); do
      echo "keys $keys, -P $P, run $i of $REPEAT ..." >&2
      if (( i % 2 )); then run redis "$keys" "$P"; run rkv "$keys" "$P"; else run rkv "$keys" "$P"; run redis "$keys" "$P"; fi
    done
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
field() { awk -v t="$2" -v f="$3" '$1 == t { print $f }' "$1"; } # file test field(2 rps, 3 p50)
runs() { field "$1" "$2" 2 | awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $1 }'; }

out=experiments/results/benchmark-agreement.md
{
  echo "redis-benchmark and rkv benchmark against one redis-server $(redis-server --version | awk '{ print $3 }' | tr -d 'v='),"
  echo "options ${BASE[*]} [-r 1000000] [-P 16], $REPEAT runs each, alternating; $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "rkv benchmark JVM: $(rkv_jvm_options)"
  echo
  echo "| keys | test | pipeline | redis-benchmark rps | rkv benchmark rps | rkv/redis | within 15% | server busy under redis-benchmark | server busy under rkv benchmark | redis-benchmark p50 ms | rkv benchmark p50 ms | redis-benchmark runs | rkv benchmark runs |"
  echo "| --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |"
  for keys in fixed random; do
    for P in 1 16; do
      r="$tmp/redis-$keys-P$P" k="$tmp/rkv-$keys-P$P"
      rb=$(median <"$r.busy") kb=$(median <"$k.busy")
      for t in SET GET; do
        awk -v keys="$([[ $keys == random ]] && echo "-r 1000000" || echo "one key")" -v t="$t" -v P="$P" \
          -v rr="$(field "$r.txt" "$t" 2 | median)" -v kr="$(field "$k.txt" "$t" 2 | median)" \
          -v rp="$(field "$r.txt" "$t" 3 | median)" -v kp="$(field "$k.txt" "$t" 3 | median)" \
          -v rb="$rb" -v kb="$kb" -v rruns="$(runs "$r.txt" "$t")" -v kruns="$(runs "$k.txt" "$t")" \
          'BEGIN { q = kr / rr; printf "| %s | %s | %s | %.0f | %.0f | %.2f | %s | %d%% | %d%% | %.3f | %.3f | %s | %s |\n",
                   keys, t, P, rr, kr, q, (q >= 0.85 && q <= 1.15 ? "yes" : "NO"), rb, kb, rp, kp, rruns, kruns }'
      done
    done
  done
  echo
  echo "Server busy: redis-server's CPU seconds during a run of SET and GET over the two tests' durations"
  echo "(median of the runs); it counts the kernel time of its socket calls, so a saturated server reads"
  echo "about 100%. Latency is not compared: redis-benchmark starts a request's clock when its event loop"
  echo "next gets round to writing it, rkv benchmark as soon as the previous reply is read, so rkv's"
  echo "figures also hold the time a ready reply waits for the client's loop (benchmark/README.md)."
  echo
  echo "Machine load while it ran (shared, noisy): $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
} | tee "$out"
echo "written to $out" >&2
