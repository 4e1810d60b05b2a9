#!/usr/bin/env bash
# Full-sync time of rkv's RDMA sync (replicas pull the primary's mapping table with READ) beside
# stock redis-server 7.0 diskless and disk sync, all in one run, on the same dataset.
#
# For redis-server and for rkv on each provider (soft, shm): starts a primary on a free loopback
# port (rkv: `rkv primary-agent`), loads KEYS keys key:000000000000.. of VALUE bytes (redis-cli
# --pipe), then for R in 1 2 3: starts R fresh replicas (rkv: `rkv replica-agent`), sends them
# REPLICAOF at once (rkv: REPLICAOF host port RDMA) and times until every replica reports
# master_link_status:up, master_sync_in_progress:0 and DBSIZE = KEYS. While the first replica
# syncs, redis-benchmark measures the primary's GET latency (p99), and again with no sync (idle).
# Then, per rkv provider, `rkv demo` measures the provider's raw READ time for the same table
# (same endpoints, READ size and outstanding READs, no decoding). Memory: the primary's
# RSS after loading, beside redis-server's used_memory and RSS for the same data.
#
# Prints a markdown table with the issue's targets and writes it to
# experiments/results/rdma-sync.md.
#
# Usage: experiments/bench-rdma-sync.sh [keys (default 937000)] [value bytes (default 1000)]
# Env:   PROVIDERS (default "soft shm"), REPLICAS (default "1 2 3"),
#        JAVA_OPTS (default: unset): replaces the JVM options of every rkv process. The figure that
#        counts leaves it unset: rkv runs through cli/bin/rkv as the README starts it; a tuned run (for example
#        JAVA_OPTS="-Xms3g -Xmx3g -XX:+AlwaysPreTouch") must be labelled as such wherever it is quoted.
#        PRETOUCH_GB (default 0): first writes and deletes that many GB in /dev/shm. On a virtual
#        machine whose host backs guest memory lazily (this project's: Firecracker), the first
#        touch of a guest page costs ~2 s per GB, after that ~0.3 s per GB; whichever system
#        first touches memory the VM never used pays it inside its sync. The guest cannot tell
#        which of its free pages the host has backed: the heading records PRETOUCH_GB.
#        REDIS=no skips redis-server (then REDIS_DISKLESS_S, default 6.3, the time DESIGN.md
#        measured, is the baseline the targets compare with).
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${1:-937000}
VALUE=${2:-1000}
PROVIDERS=${PROVIDERS:-soft shm}
REPLICAS=${REPLICAS:-1 2 3}
AWAIT_PING_TENTHS=1200
# shellcheck source=lib/common.sh
source experiments/lib/common.sh
require_tools redis-server redis-cli redis-benchmark python3
if [ "${PRETOUCH_GB:-0}" -gt 0 ]; then
  echo "touching ${PRETOUCH_GB} GB of memory in /dev/shm first ..." >&2
  dd if=/dev/zero of=/dev/shm/rkv-bench-pretouch bs=1M count=$((PRETOUCH_GB * 1024)) status=none
  rm -f /dev/shm/rkv-bench-pretouch
fi

# Starts a server in the background; sets SERVER_PORT and SERVER_PID.
# kind: redis | rkv-primary:<provider> | rkv-replica:<provider>; redis.conf options follow.
start_server() { # kind dir options...
  local kind=$1 dir=$2 port
  shift 2
  port=$(free_port)
  mkdir -p "$dir"
  case "$kind" in
    redis)
      redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize no \
        --loglevel warning "$@" >"$dir/server.log" 2>&1 & ;;
    rkv-primary:*)
      run_rkv primary-agent --provider "${kind#*:}" \
        --expected-keys "$KEYS" --expected-value-size "$VALUE" --headroom 1.0 \
        --port "$port" --save '' --dir "$dir" --loglevel warning "$@" >"$dir/server.log" 2>&1 & ;;
    rkv-replica:*)
      run_rkv replica-agent --provider "${kind#*:}" --port "$port" --save '' --dir "$dir" --loglevel warning "$@" \
        >"$dir/server.log" 2>&1 & ;;
  esac
  SERVER_PID=$!
  SERVER_PORT=$port
  PIDS+=("$SERVER_PID")
}

synced() { # port
  [ "$(info_field "$1" replication master_link_status)" = up ] && [ "$(info_field "$1" replication master_sync_in_progress)" = 0 ] \
    && [ "$(redis-cli -p "$1" dbsize)" = "$KEYS" ]
}

rss_bytes() { # pid
  awk '/^VmRSS:/ { printf "%.0f\n", $2 * 1024 }' "/proc/$1/status"
}

# p99 GET latency in ms over random existing keys, from redis-benchmark's latency summary.
get_p99() { # port requests
  redis-benchmark -p "$1" -t get -n "$2" -c 4 -r "$KEYS" -d "$VALUE" --precision 3 2>/dev/null \
    | awk '/latency summary/ { getline; getline; print $5; exit }'
}

# One measurement: MEASURED = seconds from REPLICAOF to every replica synced; P99 = GET p99 meanwhile.
measure() { # kind primary_port replicas mode
  local kind=$1 pport=$2 n=$3 mode=$4 ports=() pids=() i rkind
  if [ "$kind" = redis ]; then
    redis-cli -p "$pport" config set repl-diskless-sync "$([ "$mode" = diskless ] && echo yes || echo no)" >/dev/null
    rkind=redis
  else
    rkind="rkv-replica:${kind#*:}"
  fi
  for i in $(seq "$n"); do
    start_server "$rkind" "$tmp/replica-$mode-$n-$i"
    ports+=("$SERVER_PORT"); pids+=("$SERVER_PID")
  done
  for p in "${ports[@]}"; do await_ping "$p"; done
  local t0 t1 lat=$tmp/lat-$n-$mode
  : >"$lat"
  ( get_p99 "$pport" 200000 >"$lat" ) &
  local latpid=$!
  t0=$(now)
  for p in "${ports[@]}"; do
    if [ "$kind" = redis ]; then
      redis-cli -p "$p" replicaof 127.0.0.1 "$pport" >/dev/null &
    else
      redis-cli -p "$p" replicaof 127.0.0.1 "$pport" RDMA >/dev/null &
    fi
  done
  local left=("${ports[@]}") still
  while [ "${#left[@]}" -gt 0 ]; do
    still=()
    for p in "${left[@]}"; do synced "$p" || still+=("$p"); done
    left=("${still[@]+"${still[@]}"}")
    [ "${#left[@]}" -gt 0 ] && sleep 0.05
  done
  t1=$(now)
  wait "$latpid" || true
  P99=$(cat "$lat")
  TRANSPORT=$(info_field "${ports[0]}" replication master_last_sync_transport)
  PHASES=
  [ "$kind" = redis ] || PHASES=$(info_field "${ports[0]}" accelerator replica_agent_last_pull_phases_ms)
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp/replica-$mode-$n-"*
  MEASURED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}

declare -A RESULT LAT MEM IDLE RAW TRANS RSS PHASE
SYSTEMS=()
[ "${REDIS:-yes}" = no ] || SYSTEMS+=(redis)
for p in $PROVIDERS; do SYSTEMS+=("rkv:$p"); done
for kind in "${SYSTEMS[@]}"; do
  if [ "$kind" = redis ]; then
    start_server redis "$tmp/primary-redis" --repl-diskless-sync-delay 0 --rdbcompression no
    modes="diskless disk"
  else
    start_server "rkv-primary:${kind#*:}" "$tmp/primary-$kind" --repl-diskless-sync-delay 0
    modes="rdma"
  fi
  pport=$SERVER_PORT
  ppid=$SERVER_PID
  await_ping "$pport"
  echo "loading $KEYS keys x $VALUE bytes into $kind ..." >&2
  generate_sets "$KEYS" "$VALUE" | redis-cli -p "$pport" --pipe >/dev/null
  got=$(redis-cli -p "$pport" dbsize)
  [ "$got" = "$KEYS" ] || { echo "$kind primary has $got keys, expected $KEYS" >&2; exit 1; }
  sleep 2
  RSS[$kind]=$(rss_bytes "$ppid")
  if [ "$kind" = redis ]; then
    MEM[$kind]="used_memory=$(info_field "$pport" memory used_memory) rss=${RSS[$kind]}"
  else
    MEM[$kind]="rss=${RSS[$kind]}"
  fi
  IDLE[$kind]=$(get_p99 "$pport" 200000)
  echo "  memory ${MEM[$kind]}, idle GET p99 ${IDLE[$kind]} ms" >&2
  for n in $REPLICAS; do
    for mode in $modes; do
      echo "$kind: $n replica(s), $mode ..." >&2
      measure "$kind" "$pport" "$n" "$mode"
      RESULT[$kind,$n,$mode]=$MEASURED
      LAT[$kind,$n,$mode]=$P99
      TRANS[$kind,$n,$mode]=$TRANSPORT
      PHASE[$kind,$n,$mode]=$PHASES
      echo "  ${RESULT[$kind,$n,$mode]} s (GET p99 during: ${LAT[$kind,$n,$mode]} ms, transport ${TRANSPORT:-classic})" >&2
    done
  done
  kill "$ppid" 2>/dev/null || true
  wait "$ppid" 2>/dev/null || true
done

# Raw READ time of the provider for the same table, and the in-process demo's own view.
for p in $PROVIDERS; do
  echo "rkv demo (raw READ of the table) on $p ..." >&2
  line=$(run_rkv demo --keys "$KEYS" \
    --value-size "$VALUE" --replicas 1 --provider "$p" 2>/dev/null | grep -E '^(DETAIL|RESULT)' | tr '\n' ' ')
  RAW[rkv:$p]=$(sed -n 's/.*raw_read_s=\([0-9.]*\).*/\1/p' <<<"$line")
  echo "  $line" >&2
done

mkdir -p experiments/results
out=experiments/results/rdma-sync.md
red1=${RESULT[redis,1,diskless]:-${REDIS_DISKLESS_S:-6.3}}
{
  echo "Full sync of $KEYS keys x $VALUE-byte values, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), rkv JVM options: $(rkv_jvm_options primary-agent); PRETOUCH_GB=${PRETOUCH_GB:-0};"
  echo "seconds from REPLICAOF until every replica is up with all keys (rkv: REPLICAOF host port RDMA)."
  echo "GET p99 of the primary (redis-benchmark, 4 clients) while the replicas sync; idle p99 per system below."
  echo
  echo "| system | mode | replicas | sync s | vs redis diskless x1 | GET p99 ms |"
  echo "| --- | --- | ---: | ---: | ---: | ---: |"
  for kind in "${SYSTEMS[@]}"; do
    if [ "$kind" = redis ]; then modes="diskless disk"; else modes="rdma"; fi
    for mode in $modes; do
      for n in $REPLICAS; do
        awk -v k="$kind" -v m="$mode" -v n="$n" -v s="${RESULT[$kind,$n,$mode]}" -v r="$red1" -v l="${LAT[$kind,$n,$mode]}" \
          'BEGIN { printf "| %s | %s | %d | %.2f | %.2fx faster | %s |\n", k, m, n, s, (s > 0 ? r / s : 0), l }'
      done
    done
  done
  echo
  echo "| target | measured | met |"
  echo "| --- | --- | --- |"
  for p in $PROVIDERS; do
    k=rkv:$p
    one=${RESULT[$k,1,rdma]:-}
    three=${RESULT[$k,3,rdma]:-}
    [ -n "$one" ] && awk -v p="$p" -v r="$red1" -v s="$one" \
      'BEGIN { x = r / s; printf "| %s: 1 replica >= 10x faster than redis diskless (%.2f s) | %.2fx (%.2f s) | %s |\n", p, r, x, s, (x >= 10 ? "yes" : "no") }'
    [ -n "$one" ] && [ -n "$three" ] && awk -v p="$p" -v a="$one" -v b="$three" \
      'BEGIN { x = b / a; printf "| %s: 3 replicas <= 1.3x one replica | %.2fx (%.2f s vs %.2f s) | %s |\n", p, x, b, a, (x <= 1.3 ? "yes" : "no") }'
    [ -n "$one" ] && [ -n "${RAW[$k]:-}" ] && awk -v p="$p" -v a="$one" -v b="${RAW[$k]}" \
      'BEGIN { x = a / b; printf "| %s: sync <= 1.5x raw READ of the same bytes | %.2fx (%.2f s vs raw %.3f s) | %s |\n", p, x, a, b, (x <= 1.5 ? "yes" : "no") }'
    [ -n "${RSS[redis]:-}" ] && awk -v p="$p" -v a="${RSS[$k]}" -v b="${RSS[redis]}" \
      'BEGIN { x = a / b; printf "| %s: primary RSS <= 1.3x redis-server RSS | %.2fx (%.0f MB vs %.0f MB) | %s |\n", p, x, a / 1048576, b / 1048576, (x <= 1.3 ? "yes" : "no") }'
    [ -n "$one" ] && awk -v p="$p" -v i="${IDLE[$k]}" -v d="${LAT[$k,1,rdma]}" \
      'BEGIN { x = (i > 0 ? d / i : 0); printf "| %s: GET p99 during a sync <= 2x idle | %.2fx (%s ms vs idle %s ms) | %s |\n", p, x, d, i, (x <= 2 ? "yes" : "no") }'
  done
  echo
  echo "Memory after loading: $(for k in "${SYSTEMS[@]}"; do printf '%s %s; ' "$k" "${MEM[$k]}"; done)"
  echo "Phases of the first replica's pull, ms (INFO accelerator replica_agent_last_pull_phases_ms):"
  echo
  for kind in "${SYSTEMS[@]}"; do
    [ "$kind" = redis ] && continue
    for n in $REPLICAS; do echo "- $kind, $n replica(s): ${PHASE[$kind,$n,rdma]:-?}"; done
  done
  echo
  echo "Transport the rkv replicas reported: $(for k in "${SYSTEMS[@]}"; do [ "$k" = redis ] || printf '%s %s; ' "$k" "${TRANS[$k,1,rdma]:-?}"; done)"
} | tee "$out"
