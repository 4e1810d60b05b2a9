#!/usr/bin/env bash
# A JFR profile of rkv under one redis-benchmark load, summarized as the top frames.
#
# Starts rkv through its launcher (cli/bin/rkv, with the launcher's JVM options plus a flight
# recording), fills 1M keys of 1,000 bytes and warms the JIT with the same load, then records
# the measured run only (with -XX:+DebugNonSafepoints, so that samples in inlined code name
# the method they are in) and prints two top-10 lists of the execution samples: by the frame on
# top of the stack (self time) and by the frames anywhere on it (inclusive time, rkv's own
# methods only).
#
# Usage: experiments/profile-server.sh [test (default get)] [pipeline (default 16)] [requests (default 2000000)]
# JAVA_OPTS replaces the launcher's JVM options. KEEP_JFR=path keeps the recording. RKV_ARGS adds server arguments (e.g. RKV_ARGS="--io-threads 2").
set -euo pipefail
cd "$(dirname "$0")/.."
T=${1:-get}
P=${2:-16}
N=${3:-2000000}
# VALUE_BYTES (default 1000), KEYS (default 1000000) and CLIENTS (default 50) shape the load.
D=${VALUE_BYTES:-1000}
R=${KEYS:-1000000}
C=${CLIENTS:-50}
# shellcheck source=lib/common.sh
source experiments/lib/common.sh
require_tools redis-cli redis-benchmark python3
command -v jcmd >/dev/null && command -v jfr >/dev/null || { echo "jcmd and jfr (a JDK) are needed" >&2; exit 2; }

PORT=$(free_port)
if [[ -n ${JAVA_OPTS+set} ]]; then
  base=$JAVA_OPTS
else
  base=$(RKV_JAR="$JAR" JAVA=echo cli/bin/rkv server)
  base=${base%% -jar *}
fi
base="$base -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints"
# shellcheck disable=SC2086
JAVA_OPTS="$base" run_rkv server --port "$PORT" --save '' --loglevel warning ${RKV_ARGS:-} >"$tmp/rkv.log" 2>&1 &
RKV_PID=$!
PIDS+=("$RKV_PID")
await_ping "$PORT"
redis-benchmark -p "$PORT" -t set -c 50 -d "$D" -r "$R" -n "$((R < 1000000 ? R * 2 : 1000000))" -P 16 -q >/dev/null 2>&1
redis-benchmark -p "$PORT" -t "$T" -c "$C" -d "$D" -r "$R" -n "$N" -P "$P" -q >/dev/null 2>&1
jcmd "$RKV_PID" JFR.start name=p settings=profile >/dev/null
result=$(redis-benchmark -p "$PORT" -t "$T" -c "$C" -d "$D" -r "$R" -n "$N" -P "$P" -q 2>/dev/null | tr '\r' '\n' \
  | grep -a "requests per second" | tail -1)
echo "$result" >&2
rps=$(echo "$result" | awk '{ print $2 }')
jcmd "$RKV_PID" JFR.dump name=p filename="$tmp/p.jfr" >/dev/null
[[ -n ${KEEP_JFR:-} ]] && cp "$tmp/p.jfr" "$KEEP_JFR"
jfr print --json --events jdk.ExecutionSample "$tmp/p.jfr" >"$tmp/p.json"
jfr print --json --events jdk.ObjectAllocationSample "$tmp/p.jfr" >"$tmp/a.json"
jfr print --json --events jdk.ThreadAllocationStatistics "$tmp/p.jfr" >"$tmp/t.json"
python3 - "$tmp/p.json" "$tmp/a.json" "$N" "$tmp/t.json" "$rps" <<'PY'
import json, sys, collections
ev = json.load(open(sys.argv[1]))["recording"]["events"]
allocs = json.load(open(sys.argv[2]))["recording"]["events"]
per_thread = collections.defaultdict(list)
for e in json.load(open(sys.argv[4]))["recording"]["events"]:
    v = e["values"]
    per_thread[(v["thread"] or {}).get("javaName")].append(v["allocated"])
self_c, incl = collections.Counter(), collections.Counter()
for e in ev:
    frames = e["values"]["stackTrace"]["frames"]
    types = [f["method"]["type"]["name"].replace("/", ".") for f in frames]
    names = [t.split(".")[-1] + "." + f["method"]["name"] for t, f in zip(types, frames)]
    if names:
        # the top frame, with its caller: a JDK method says little without it
        self_c[names[0] + (" <- " + names[1] if len(names) > 1 else "")] += 1
    for n in set(n for t, n in zip(types, names) if t.startswith("dev.rkv")):
        incl[n] += 1
total = len(ev)
seconds = int(sys.argv[3]) / float(sys.argv[5])
loop = sum(1 for e in ev if (e["values"].get("sampledThread") or {}).get("javaName") == "rkv-event-loop")
# The profile settings sample a thread running Java code every 10 ms; a thread in a system call
# (read, write, epoll_wait) is not sampled there.
print(f"{total} execution samples; the event loop's {loop} over {seconds:.1f} s put it in Java code "
      f"~{100 * loop / (seconds * 100):.0f}% of the time (the rest: system calls, waiting)")
print("\ntop 10 frames, self (top of stack):")
for n, c in self_c.most_common(10):
    print(f"  {100 * c / total:5.1f}%  {n}")
print("\ntop 10 rkv frames, inclusive (anywhere on the stack):")
for n, c in incl.most_common(10):
    print(f"  {100 * c / total:5.1f}%  {n}")
# Allocation samples carry a weight (bytes the sample stands for): an estimate of bytes per request.
by_site = collections.Counter()
for e in allocs:
    v = e["values"]
    frames = v["stackTrace"]["frames"] if v.get("stackTrace") else []
    site = " <- ".join(f["method"]["type"]["name"].replace("/", ".").split(".")[-1] + "." + f["method"]["name"]
                       for f in frames[:2])
    by_site[v["objectClass"]["name"] + " at " + site] += v["weight"]
weight = sum(by_site.values())
print("\nallocated per request, by thread (the JVM's per-thread counters at the recording's start and end):")
for t, a in per_thread.items():
    if max(a) - min(a) > 1_000_000:
        print(f"  {(max(a) - min(a)) / int(sys.argv[3]):7.1f} B/request  {t}")
print(f"top 10 allocation sites (JFR's throttled samples, a rough split of ~{weight / int(sys.argv[3]):.0f} B/request):")
for n, w in by_site.most_common(10):
    print(f"  {w / int(sys.argv[3]):7.0f} B/request  {n}")
PY
