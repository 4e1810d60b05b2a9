#!/usr/bin/env bash
# Where does a RESP-over-RDMA round trip go? One client, one request (or one pipeline) in flight:
# the SPI alone (WRITE_WITH_IMM ping-pong), resp-rdma's streams on both sides in one process,
# and PING against an rkv server over TCP and over RDMA; for soft and shm. Prints a table and
# writes it to experiments/results/resp-rdma-latency.md.
#
# Usage: experiments/resp-rdma-latency.sh [round trips (default 20000)]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
# shellcheck source=lib/common.sh
source experiments/lib/common.sh
require_tools python3
pp() { java -cp "$JAR" dev.rkv.experiments.rdma.RespRdmaPingPong "$@"; }
out=experiments/results/resp-rdma-latency.md
{
  echo "# RESP over RDMA: one client's round trip ($(date -u +%F), $(nproc) cores, N=$N)"
  echo
  echo '```'
  for p in soft shm; do
    pp raw "$p" "$N"
    pp channel "$p" "$N"
  done
  for p in soft shm; do
    port=$(free_port); rport=$(free_port)
    run_rkv server --port "$port" --rdma-port "$rport" --rdma-provider "$p" --save '' --dir "$tmp" \
      --loglevel warning >"$tmp/server-$p.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    sleep 3
    [[ $p == soft ]] && { pp server tcp "$port" "$N" 1; pp server tcp "$port" "$N" 16; }
    pp server "$p" "$rport" "$N" 1
    pp server "$p" "$rport" "$N" 16
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
  echo '```'
} | tee "$out"
