#!/usr/bin/env bash
# A Sentinel failover of redis-server 7.0 and of rkv (classic, and with the accelerator), same
# settings, same run: how long from kill -9 of the primary until a client's first write is
# accepted on the new primary, and until every replica left is in sync with it.
#
# Per system and variant, from scratch: a primary on loopback loaded with KEYS keys
# key:000000000000.. of VALUE bytes (redis-cli --pipe), two replicas started with replicaof (a
# full sync each), three redis-sentinel (own configs, quorum 2) monitoring the primary. Then
# experiments/lib/failover_probe.py kills the primary with SIGKILL and polls: a client loop that
# asks the sentinels for the master address and tries SET there (failover time), and the
# replica left (in sync: it follows the new primary, link up, no sync in progress, its offset
# reached the new primary's). INFO stats of the new primary tell whether that replica got a
# partial (sync_partial_ok) or a full resync (sync_full); an RDMA pull ends with a PSYNC from the
# pulled offset, which the primary counts in sync_partial_ok: the replica's
# replica_agent_completed_syncs (INFO accelerator) tells it apart.
#
# Variants:
#   psync  both replicas are in sync when the primary dies: the other replica partial-resyncs
#          with the promoted one (replid2), whatever the dataset's size;
#   full   the follower cannot continue: it is stopped (SIGSTOP) while the primary takes
#          LAG_WRITES more SETs, far more than the promoted replica's backlog
#          (repl-backlog-size, 1 MB by default) plus the socket buffers hold, and resumed
#          (SIGCONT) at the kill; it must full-sync from the new primary. Sentinel does not
#          promote it: it is down meanwhile and behind.
# The issue's target (rkv's time until every replica is in sync <= 0.5x redis-server's for
# 937,000 x 1,000 B, failover itself no slower) is about the full variant: with a partial
# resync no data moves and both systems wait on Sentinel alone.
#
# Systems: redis (redis-server 7.0, its defaults but repl-diskless-sync-delay 0, as every
# system here); rkv (`rkv server`: classic sync); rkv-rdma:<provider> (every node is
# `rkv replica-agent --primary-agent --repl-sync-transport rdma`: the replicas full-sync by RDMA
# READ, and the promoted one serves its table to the other). rkv runs through cli/bin/rkv with
# the launcher's JVM settings. When a system cannot be failed over (for example a Sentinel that
# does not find its replicas), its rows say why and the run goes on.
#
# Writes experiments/results/failover.md (a markdown table, ratios against redis-server).
#
# Usage: experiments/bench-failover.sh [keys (default 937000)] [value bytes (default 1000)]
# Env:   SYSTEMS (default "redis rkv rkv-rdma:shm"), VARIANTS (default "psync full"),
#        DOWN_AFTER_MS (default 1000), FAILOVER_TIMEOUT_MS (default 30000), PARALLEL_SYNCS
#        (default 1): the sentinels' settings for every system; LAG_WRITES (default 40000):
#        SETs the stopped follower misses in the full variant; RUNS (default 1): runs of each, the
#        table gives the median and every run; LOGS=DIR keeps every server's and
#        sentinel's log there (DIR/<system>-<variant>/...); JAVA_OPTS: as in lib/common.sh
#        (a tuned run, to be labelled so).
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${1:-937000}
VALUE=${2:-1000}
SYSTEMS=${SYSTEMS:-redis rkv rkv-rdma:shm}
VARIANTS=${VARIANTS:-psync full}
DOWN_AFTER_MS=${DOWN_AFTER_MS:-1000}
FAILOVER_TIMEOUT_MS=${FAILOVER_TIMEOUT_MS:-30000}
PARALLEL_SYNCS=${PARALLEL_SYNCS:-1}
LAG_WRITES=${LAG_WRITES:-40000}
RUNS=${RUNS:-1}
AWAIT_PING_TENTHS=1200
# shellcheck source=lib/common.sh
source experiments/lib/common.sh
require_tools redis-server redis-cli redis-benchmark redis-sentinel python3

# INFO of a node that may have been killed a moment ago: quietly empty.
field() { info_field "$@" 2>/dev/null; } # port section name

# Starts one node of a system in the background; sets NODE_PORT and NODE_PID. Options follow.
start_node() { # system dir options...
  local system=$1 dir=$2 port
  shift 2
  port=$(free_port)
  mkdir -p "$dir"
  case "$system" in
    redis)
      redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize no \
        --repl-diskless-sync-delay 0 "$@" >"$dir/server.log" 2>&1 & ;;
    rkv)
      run_rkv server --port "$port" --save '' --dir "$dir" --repl-diskless-sync-delay 0 "$@" >"$dir/server.log" 2>&1 & ;;
    rkv-rdma:*)
      run_rkv replica-agent --primary-agent --provider "${system#*:}" --port "$port" --save '' --dir "$dir" \
        --repl-diskless-sync-delay 0 --repl-sync-transport rdma "$@" >"$dir/server.log" 2>&1 & ;;
  esac
  NODE_PID=$!
  NODE_PORT=$port
  PIDS+=("$NODE_PID")
}

# Three sentinels watching the primary on port $1, quorum 2; sets SENTINEL_PORTS (comma-separated).
start_sentinels() { # primary_port dir
  local ports=() i port d
  for i in 1 2 3; do
    port=$(free_port)
    d=$2/sentinel-$i
    mkdir -p "$d"
    cat >"$d/sentinel.conf" <<EOF
port $port
bind 127.0.0.1
daemonize no
dir $d
logfile $d/sentinel.log
sentinel monitor mymaster 127.0.0.1 $1 2
sentinel down-after-milliseconds mymaster $DOWN_AFTER_MS
sentinel failover-timeout mymaster $FAILOVER_TIMEOUT_MS
sentinel parallel-syncs mymaster $PARALLEL_SYNCS
EOF
    redis-sentinel "$d/sentinel.conf" >/dev/null 2>&1 &
    PIDS+=("$!")
    SYSTEM_PIDS+=("$!")
    ports+=("$port")
  done
  SENTINEL_PORTS=$(IFS=,; echo "${ports[*]}")
}

# A field of SENTINEL MASTER mymaster (a flat name/value list).
sentinel_field() { # sentinel_port name
  redis-cli -p "$1" sentinel master mymaster 2>/dev/null | tr -d '\r' | awk -v f="$2" 'prev == f { print; exit } { prev = $0 }'
}

synced() { # replica_port primary_port
  [ "$(field "$1" replication master_link_status)" = up ] && [ "$(field "$1" replication master_sync_in_progress)" = 0 ] \
    && [ "$(redis-cli -p "$1" dbsize)" = "$(redis-cli -p "$2" dbsize)" ]
}

stop_system() {
  local p
  for p in "${SYSTEM_PIDS[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  for p in "${SYSTEM_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  SYSTEM_PIDS=()
}

# One failover from scratch; sets LINE (the probe's fields) or REASON (why none) and returns 1.
run_once() { # system variant
  local system=$1 variant=$2 dir=$tmp/$1-$2 pport ppid r1 r1pid r2 r2pid s i seen p
  dir=${dir//:/-}
  SYSTEM_PIDS=()
  local primary_opts=()
  # Sized for the dataset about to be loaded (saves growing the table while loading); the agent's
  # default headroom everywhere: a table without room grows (a copy of every record) at the
  # first write of a size it is full of, which after a promotion is a write in the failover.
  [[ $system == rkv-rdma:* ]] && primary_opts=(--expected-keys "$KEYS" --expected-value-size "$VALUE")
  start_node "$system" "$dir/primary" "${primary_opts[@]+"${primary_opts[@]}"}"
  pport=$NODE_PORT ppid=$NODE_PID
  SYSTEM_PIDS+=("$ppid")
  await_ping "$pport" || { REASON="the primary did not start (see $dir/primary/server.log)"; return 1; }
  echo "  loading $KEYS keys x $VALUE bytes ..." >&2
  generate_sets "$KEYS" "$VALUE" | redis-cli -p "$pport" --pipe >/dev/null
  [ "$(redis-cli -p "$pport" dbsize)" = "$KEYS" ] || { REASON="the primary holds $(redis-cli -p "$pport" dbsize) keys, not $KEYS"; return 1; }
  start_node "$system" "$dir/replica-1" --replicaof 127.0.0.1 "$pport"
  r1=$NODE_PORT r1pid=$NODE_PID
  SYSTEM_PIDS+=("$r1pid")
  start_node "$system" "$dir/replica-2" --replicaof 127.0.0.1 "$pport"
  r2=$NODE_PORT r2pid=$NODE_PID
  SYSTEM_PIDS+=("$r2pid")
  echo "  two replicas full-syncing ..." >&2
  for i in $(seq 1200); do
    synced "$r1" "$pport" && synced "$r2" "$pport" && break
    sleep 0.1
  done
  synced "$r1" "$pport" && synced "$r2" "$pport" || { REASON="the replicas did not sync within 120 s"; return 1; }
  start_sentinels "$pport" "$dir"
  echo "  sentinels discovering the replicas and each other ..." >&2
  for i in $(seq 300); do
    seen=0
    for s in ${SENTINEL_PORTS//,/ }; do
      [ "$(sentinel_field "$s" num-slaves)" = 2 ] && [ "$(sentinel_field "$s" num-other-sentinels)" = 2 ] && seen=$((seen + 1))
    done
    [ "$seen" = 3 ] && break
    sleep 0.1
  done
  if [ "$seen" != 3 ]; then
    REASON="after 30 s the sentinels see $(sentinel_field "${SENTINEL_PORTS%%,*}" num-slaves) replica(s) and"
    REASON+=" $(sentinel_field "${SENTINEL_PORTS%%,*}" num-other-sentinels) other sentinel(s) of 2 and 2"
    REASON+=" (Sentinel finds replicas in the primary's INFO replication slaveN lines, sentinels through __sentinel__:hello)"
    return 1
  fi
  if [[ $system == rkv-rdma:* ]]; then
    # A replica's primary agent rebuilds its table from the dataset after each full sync: the
    # failover starts once every node's table holds its keyspace (INFO accelerator).
    echo "  replicas' tables catching up with their datasets ..." >&2
    for i in $(seq 1200); do
      seen=0
      for p in "$pport" "$r1" "$r2"; do
        [ "$(field "$p" accelerator primary_agent_table_current)" = 1 ] \
          && [ "$(field "$p" accelerator primary_agent_table_keys)" = "$(redis-cli -p "$p" dbsize)" ] && seen=$((seen + 1))
      done
      [ "$seen" = 3 ] && break
      sleep 0.1
    done
    [ "$seen" = 3 ] || { REASON="the replicas' tables did not catch up with their datasets within 120 s"; return 1; }
  fi
  sleep 1
  local lag=()
  if [ "$variant" = full ]; then
    echo "  follower stopped; $LAG_WRITES SETs it will miss ..." >&2
    lag=(--stop-follower "$r2pid" --lag "redis-benchmark -p $pport -t set -n $LAG_WRITES -r $KEYS -d $VALUE -P 16 -q")
  fi
  echo "  kill -9 of the primary ..." >&2
  LINE=$(python3 experiments/lib/failover_probe.py "$ppid" "$pport" "$SENTINEL_PORTS" "$r1,$r2" "${lag[@]+"${lag[@]}"}") || {
    REASON="no failover: ${LINE:-the probe failed} (sentinel logs in $dir)"
    return 1
  }
  [ "$variant" = full ] && [[ $LINE == *promoted=1* ]] && { REASON="Sentinel promoted the stopped follower: variant not measured"; return 1; }
  return 0
}

# LINES[system,variant]: the probe's line of each run, one a line. Rounds go through every
# system in turn, so that a noisy minute on the shared machine does not fall on one system only.
declare -A LINES WHY
FAILED=()
SYS=($SYSTEMS)
for round in $(seq "$RUNS"); do
  for system in "${SYS[@]}"; do
    for variant in $VARIANTS; do
      echo "$system, $variant (run $round of $RUNS) ..." >&2
      LINE= REASON=
      if run_once "$system" "$variant"; then
        LINES[$system,$variant]+="$LINE"$'\n'
        echo "  $LINE" >&2
      else
        # On a shared machine something else may stop our servers: say so rather than blame the system.
        if grep -qs "stopped by signal" "$tmp/${system//:/-}-$variant"/*/server.log; then
          REASON+=" (a server of this run was stopped by a signal from outside the benchmark)"
        fi
        WHY[$system,$variant]=$REASON
        FAILED+=("$system, $variant, run $round: $REASON")
        echo "  NOT MEASURED: $REASON" >&2
      fi
      stop_system
      if [ -n "${LOGS:-}" ]; then
        mkdir -p "$LOGS/run-$round"
        (cd "$tmp" && find "${system//:/-}-$variant" -name '*.log' -exec cp --parents {} "$LOGS/run-$round" \;)
      fi
      rm -rf "${tmp:?}/${system//:/-}-$variant"
    done
  done
done

# A field of the runs of one system and variant: the median for a number, one run's otherwise.
get() { # system variant name
  sed -n "s/.*\b$3=\([^ ]*\).*/\1/p" <<<"${LINES[$1,$2]:-}" | sort -g | awk '
    { v[NR] = $0 } END { if (NR == 0) exit; if (v[1] !~ /^[0-9.]+$/) { print v[1]; exit }
      print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# Every run's value of a field, for the table: "a, b, c".
runs() { # system variant name
  sed -n "s/.*\b$3=\([^ ]*\).*/\1/p" <<<"${LINES[$1,$2]:-}" | paste -sd, | sed 's/,/, /g'
}

mkdir -p experiments/results
out=experiments/results/failover.md
{
  echo "Sentinel failover, $KEYS keys x $VALUE B, 1 primary + 2 replicas + 3 redis-sentinel $(redis-sentinel --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on loopback,"
  echo "$(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ). Sentinel: quorum 2, down-after-milliseconds $DOWN_AFTER_MS,"
  echo "failover-timeout $FAILOVER_TIMEOUT_MS, parallel-syncs $PARALLEL_SYNCS; every server repl-diskless-sync-delay 0."
  echo "rkv JVM options: $(rkv_jvm_options server) for rkv; $(rkv_jvm_options replica-agent) for rkv-rdma."
  echo "Full variant: the follower missed $LAG_WRITES SETs of $VALUE B (stopped), repl-backlog-size default (1 MB)."
  echo
  echo "failover s: kill -9 of the primary -> first SET accepted at the address the sentinels give;"
  echo "all in sync s: kill -9 -> the other replica in sync with the new primary. $RUNS run(s) each, in rounds over the systems:"
  echo "the median, every run in brackets."
  echo
  echo "| system | variant | failover s | vs redis | all in sync s | vs redis | resync of the other replica | its sync transport |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |"
  for system in "${SYS[@]}"; do
    for variant in $VARIANTS; do
      if [ -z "${LINES[$system,$variant]:-}" ]; then
        echo "| $system | $variant | - | - | - | - | not measured: ${WHY[$system,$variant]:-?} | - |"
        continue
      fi
      f=$(get "$system" "$variant" failover_s) a=$(get "$system" "$variant" insync_s)
      rf=$(get redis "$variant" failover_s) ra=$(get redis "$variant" insync_s)
      full=$(get "$system" "$variant" sync_full) part=$(get "$system" "$variant" sync_partial_ok)
      pulls=$(get "$system" "$variant" rdma_pulls)
      awk -v s="$system" -v v="$variant" -v f="$f" -v a="$a" -v rf="$rf" -v ra="$ra" -v fu="$full" -v pa="$part" -v pu="$pulls" \
        -v t="$(get "$system" "$variant" transport)" -v fr="$(runs "$system" "$variant" failover_s)" \
        -v ar="$(runs "$system" "$variant" insync_s)" 'BEGIN {
          # A pull is a full sync that ends with a PSYNC from the pulled offset: the primary counts it in sync_partial_ok.
          kind = (fu > 0 ? "full" : (pu > 0 ? "full, RDMA pull" : (pa > 0 ? "partial" : "none"))) \
            " (sync_full +" fu ", sync_partial_ok +" pa (pu > 0 ? ", replica_agent_completed_syncs +" pu : "") ")"
          printf "| %s | %s | %.2f [%s] | %s | %.2f [%s] | %s | %s | %s |\n", s, v, f, fr, (rf > 0 ? sprintf("%.2fx", f / rf) : "-"),
            a, ar, (ra > 0 ? sprintf("%.2fx", a / ra) : "-"), kind, t }'
    done
  done
  echo
  echo "| target (full variant) | measured | met |"
  echo "| --- | --- | --- |"
  for system in "${SYS[@]}"; do
    [ "$system" = redis ] && continue
    a=$(get "$system" full insync_s) ra=$(get redis full insync_s)
    if [ -n "$a" ] && [ -n "$ra" ]; then
      awk -v s="$system" -v a="$a" -v r="$ra" \
        'BEGIN { x = a / r; printf "| %s: all in sync <= 0.5x redis-server | %.2fx (%.2f s vs %.2f s) | %s |\n", s, x, a, r, (x <= 0.5 ? "yes" : "no") }'
    else
      echo "| $system: all in sync <= 0.5x redis-server | not measured | - |"
    fi
    for variant in $VARIANTS; do
      f=$(get "$system" "$variant" failover_s) rf=$(get redis "$variant" failover_s)
      if [ -n "$f" ] && [ -n "$rf" ]; then
        awk -v s="$system" -v v="$variant" -v f="$f" -v r="$rf" \
          'BEGIN { x = f / r; printf "| %s (%s): failover no slower than redis-server | %.2fx (%.2f s vs %.2f s) | %s |\n", s, v, x, f, r, (x <= 1.0 ? "yes" : "no") }'
      fi
    done
  done
  echo
  echo "Notes:"
  echo
  echo "- An RDMA pull is a full sync that ends with PSYNC from the pulled offset: the new primary counts it in"
  echo "  sync_partial_ok; the replica's replica_agent_completed_syncs (INFO accelerator) tells it apart."
  echo "- rkv-rdma, psync variant: a replica whose repl-sync-transport is rdma first asks the new primary whether"
  echo "  PSYNC would continue (REPLCONF rkv-psync-probe) and pulls only when it would not."
  echo "- After a pull, the rkv-rdma replica rebuilds its own table (to serve it once promoted) on its event loop:"
  echo "  it answers nothing meanwhile, and the in-sync time counts it."
  for f in "${FAILED[@]+"${FAILED[@]}"}"; do echo "- not measured: $f"; done
  for system in "${SYS[@]}"; do
    for variant in $VARIANTS; do
      ph=$(get "$system" "$variant" phases)
      [ -n "$ph" ] && [ "$ph" != - ] && echo "- $system, $variant: one pull's phases in ms: $ph"
    done
  done
} | tee "$out"
