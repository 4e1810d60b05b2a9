#!/usr/bin/env bash
# Full-sync time of classic (Redis-protocol) replication: rkv beside redis-server 7.0, same run.
#
# For each system: starts a primary on a free loopback port, loads KEYS keys with VALUE-byte
# values (redis-cli --pipe), then for R in 1 2 3 replicas and for disk and diskless full sync:
# starts R fresh replicas, sends them REPLICAOF at once and times until every replica reports
# master_link_status:up, master_sync_in_progress:0 and DBSIZE = KEYS. Both primaries run with
# --repl-diskless-sync-delay 0 and rdbcompression as given. Prints a markdown table
# (rkv s, redis s, rkv/redis) and writes it to experiments/results/classic-sync.md.
#
# Usage: experiments/bench-classic-sync.sh [keys (default 937000)] [value bytes (default 1000)]
# Env:   JAVA_OPTS (default: unset) replaces the JVM options of the launcher cli/bin/rkv (a tuned run);
#        RDB_COMPRESSION (default no).
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${1:-937000}
VALUE=${2:-1000}
COMPRESSION=${RDB_COMPRESSION:-no}
AWAIT_PING_TENTHS=600
# shellcheck source=lib/common.sh
source experiments/lib/common.sh
require_tools redis-server redis-cli python3

# Starts a server in the background; sets SERVER_PORT and SERVER_PID. kind: rkv|redis; redis.conf options follow.
start_server() { # kind dir options...
  local kind=$1 dir=$2 port
  shift 2
  port=$(free_port)
  mkdir -p "$dir"
  if [ "$kind" = rkv ]; then
    run_rkv server --port "$port" --save '' --dir "$dir" \
      --loglevel warning "$@" >"$dir/server.log" 2>&1 &
  else
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize no \
      --loglevel warning "$@" >"$dir/server.log" 2>&1 &
  fi
  SERVER_PID=$!
  SERVER_PORT=$port
  PIDS+=("$SERVER_PID")
}

# The shared dataset (experiments/lib/common.sh): KEYS SETs of key:<12 digits> -> VALUE bytes.
generate() { generate_sets "$KEYS" "$VALUE"; }

synced() { # port
  [ "$(info_field "$1" replication master_link_status)" = up ] && [ "$(info_field "$1" replication master_sync_in_progress)" = 0 ] \
    && [ "$(redis-cli -p "$1" dbsize)" = "$KEYS" ]
}

# One measurement: sets MEASURED to the seconds from REPLICAOF to every replica fully synced.
measure() { # kind primary_port replicas mode
  local kind=$1 pport=$2 n=$3 mode=$4 ports=() pids=() i
  redis-cli -p "$pport" config set repl-diskless-sync "$([ "$mode" = diskless ] && echo yes || echo no)" >/dev/null
  for i in $(seq "$n"); do
    start_server "$kind" "$tmp/$kind-replica-$mode-$n-$i"
    ports+=("$SERVER_PORT"); pids+=("$SERVER_PID")
  done
  for p in "${ports[@]}"; do await_ping "$p"; done
  local t0 t1
  t0=$(now)
  for p in "${ports[@]}"; do redis-cli -p "$p" replicaof 127.0.0.1 "$pport" >/dev/null & done
  local left=("${ports[@]}") still
  while [ "${#left[@]}" -gt 0 ]; do
    still=()
    for p in "${left[@]}"; do synced "$p" || still+=("$p"); done
    left=("${still[@]+"${still[@]}"}")
    [ "${#left[@]}" -gt 0 ] && sleep 0.05
  done
  t1=$(now)
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp/$kind-replica-$mode-$n-"*
  MEASURED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}

declare -A RESULT
for kind in rkv redis; do
  start_server "$kind" "$tmp/$kind-primary" --repl-diskless-sync-delay 0 --rdbcompression "$COMPRESSION"
  pport=$SERVER_PORT
  ppid=$SERVER_PID
  await_ping "$pport"
  echo "loading $KEYS keys x $VALUE bytes into $kind ..." >&2
  generate | redis-cli -p "$pport" --pipe >/dev/null
  got=$(redis-cli -p "$pport" dbsize)
  [ "$got" = "$KEYS" ] || { echo "$kind primary has $got keys, expected $KEYS" >&2; exit 1; }
  for n in 1 2 3; do
    for mode in disk diskless; do
      echo "$kind: $n replica(s), $mode ..." >&2
      measure "$kind" "$pport" "$n" "$mode"
      RESULT[$kind,$n,$mode]=$MEASURED
      echo "  ${RESULT[$kind,$n,$mode]} s" >&2
    done
  done
  kill "$ppid" 2>/dev/null || true
  wait "$ppid" 2>/dev/null || true
done

mkdir -p experiments/results
out=experiments/results/classic-sync.md
{
  echo "Full sync of $KEYS keys x $VALUE-byte values, rdbcompression $COMPRESSION, repl-diskless-sync-delay 0,"
  echo "$(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); seconds from REPLICAOF until every replica is up with all keys."
  echo "Replicas: repl-diskless-load disabled (the default of both: the replica writes the RDB to disk, then loads it)."
  echo
  echo "| replicas | mode | rkv s | redis s | rkv/redis |"
  echo "| ---: | --- | ---: | ---: | ---: |"
  for n in 1 2 3; do
    for mode in disk diskless; do
      awk -v n="$n" -v m="$mode" -v k="${RESULT[rkv,$n,$mode]}" -v r="${RESULT[redis,$n,$mode]}" \
        'BEGIN { printf "| %d | %s | %.2f | %.2f | %.2f |\n", n, m, k, r, (r > 0 ? k / r : 0) }'
    done
  done
} | tee "$out"
