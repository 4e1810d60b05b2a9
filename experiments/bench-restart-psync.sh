#!/usr/bin/env bash
# A replica restarted with `replicaof` set: how long until it has caught up with its primary when
# it starts from its own dump.rdb (repl-id/repl-offset: PSYNC continues from the backlog) and
# when it has no file (full sync). One rkv primary loaded with redis-benchmark SETs of 1000 B,
# one rkv replica; the replica SAVEs, stops, the primary takes WRITES more SETs (they must fit
# the 1 MB default backlog), the replica restarts. The time covers JVM start, loading the RDB
# and the sync. The primary's sync_full/sync_partial_ok show which sync each restart got.
#
# Usage: experiments/bench-restart-psync.sh [keys (default 200000)]
# Env:   WRITES (default 500), PORT (default 7701; the replica uses PORT+1)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}
WRITES=${WRITES:-500}
P=${PORT:-7701}
R=$((P + 1))
RKV=cli/bin/rkv
# shellcheck source=lib/common.sh
source experiments/lib/common.sh
mkdir -p "$tmp/p" "$tmp/r"

start_replica() {
    $RKV server --port "$R" --dir "$tmp/r" --save "" --replicaof 127.0.0.1 "$P" > "$tmp/replica-$1.log" 2>&1 &
    replica=$!
}
caught_up() {
    [ "$(info_field "$R" replication master_link_status 2>/dev/null)" = up ] &&
        [ "$(info_field "$R" replication master_repl_offset)" = "$(info_field "$P" replication master_repl_offset)" ]
}
stop_replica() { kill "$replica"; wait "$replica" 2>/dev/null || true; }

$RKV server --port "$P" --dir "$tmp/p" --save "" > "$tmp/primary.log" 2>&1 &
PIDS+=($!)
until redis-cli -p "$P" ping > /dev/null 2>&1; do sleep 0.1; done
redis-benchmark -p "$P" -t set -n "$N" -r "$N" -d 1000 -P 16 -q > /dev/null
start_replica first
until caught_up; do sleep 0.1; done
redis-cli -p "$R" save > /dev/null
stop_replica
cp "$tmp/r/dump.rdb" "$tmp/saved.rdb"

for mode in from-rdb no-rdb; do
    redis-benchmark -p "$P" -t set -n "$WRITES" -r "$N" -d 1000 -q > /dev/null
    if [ "$mode" = no-rdb ]; then rm -f "$tmp/r/dump.rdb"; else cp "$tmp/saved.rdb" "$tmp/r/dump.rdb"; fi
    full0=$(info_field "$P" stats sync_full); part0=$(info_field "$P" stats sync_partial_ok)
    t0=$(date +%s.%N)
    start_replica "$mode"
    until caught_up; do sleep 0.05; done
    t1=$(date +%s.%N)
    printf '%-8s caught up in %.2f s; sync_full +%d, sync_partial_ok +%d; keys replica %s, primary %s\n' "$mode" \
        "$(echo "$t1 - $t0" | bc)" $(( $(info_field "$P" stats sync_full) - full0 )) \
        $(( $(info_field "$P" stats sync_partial_ok) - part0 )) "$(redis-cli -p "$R" dbsize)" "$(redis-cli -p "$P" dbsize)"
    stop_replica
done
