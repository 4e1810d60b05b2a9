#!/usr/bin/env bash
# Soaks rkv's fuzzers for N minutes (default 2): the RESP parser fuzzer, the glob/pattern
# fuzzer and the hostile-primary cases, run again and again through Maven with a new seed each
# round, then prints how many inputs were tried and how many crashes and hangs were seen.
#
#   experiments/fuzz-soak.sh [minutes]
#
# Each round runs the test classes below by name with these system properties (the contract a
# fuzz test honours; one that does not still runs, at its fixed CI size, and counts as runs only):
#   rkv.fuzz.seconds=S   keep generating inputs for S seconds instead of the fixed CI count
#                        (and scale any preemptive timeout to S + a margin)
#   rkv.fuzz.seed=N      base seed of the round (a failing round prints it: rerun with it to replay)
#   rkv.fuzz.report=F    when done, pass or fail, append one line "<Class>#<method> inputs=<count>" to F
# A crash is a test failure or error; a hang is a failure whose message says it timed out, or a
# round Maven did not finish within its watchdog time.
#
# Environment: FUZZ_UNIT_TESTS / FUZZ_ITS (comma-separated class names, surefire / failsafe),
# FUZZ_MODULES (Maven modules that hold them), ROUND_SECONDS (fuzzing time per test per round).
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-2}
[[ "$minutes" =~ ^[0-9]+$ ]] && [ "$minutes" -ge 1 ] || { echo "usage: $0 [minutes >= 1]" >&2; exit 2; }
unit_tests=${FUZZ_UNIT_TESTS:-RespParserFuzzTest,GlobTest}
its=${FUZZ_ITS:-HostileInputIT,HostilePrimaryIT}
modules=${FUZZ_MODULES:-kvserver,replica-agent}
round_seconds=${ROUND_SECONDS:-20}
command -v python3 >/dev/null || { echo "python3 not found: apt-get install -y python3" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report="$work/inputs.txt"
: >"$report"
deadline=$(( $(date +%s) + minutes * 60 ))
round=0
watchdog_hangs=0
failed_seeds=()

while [ "$(date +%s)" -lt "$deadline" ]; do
  round=$((round + 1))
  seed=$(( (RANDOM << 30) ^ (RANDOM << 15) ^ RANDOM ))
  left=$(( deadline - $(date +%s) ))
  secs=$(( left < round_seconds ? (left > 5 ? left : 5) : round_seconds ))
  echo "round $round: seed $seed, ${secs} s per test" >&2
  # Reports of earlier rounds were already counted.
  for m in ${modules//,/ }; do rm -f "$m"/target/surefire-reports/TEST-*.xml "$m"/target/failsafe-reports/TEST-*.xml; done
  set +e
  # Compilation and several test classes run one after the other: the watchdog allows for them.
  timeout --signal=KILL $(( secs * 10 + 600 )) \
    mvn -B -q -pl "$modules" -am verify -Dtest="$unit_tests" -Dit.test="$its" \
      -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false -Dmaven.test.failure.ignore=true \
      -Drkv.fuzz.seconds="$secs" -Drkv.fuzz.seed="$seed" -Drkv.fuzz.report="$report" >"$work/round-$round.log" 2>&1
  rc=$?
  set -e
  if [ "$rc" -eq 137 ] || [ "$rc" -eq 124 ]; then
    watchdog_hangs=$((watchdog_hangs + 1)); failed_seeds+=("$seed (maven hung)")
  elif [ "$rc" -ne 0 ]; then
    echo "round $round: Maven failed (exit $rc) before the tests ended; last lines:" >&2
    tail -20 "$work/round-$round.log" >&2
    exit 1
  fi
  python3 - "$work/results.tsv" "$seed" $(for m in ${modules//,/ }; do echo "$m"/target/surefire-reports "$m"/target/failsafe-reports; done) <<'PY'
import glob, os, sys, xml.etree.ElementTree as ET
out, seed, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "a") as f:
    for d in dirs:
        for path in glob.glob(os.path.join(d, "TEST-*.xml")):
            suite = ET.parse(path).getroot()
            cls = suite.get("name", "?").rsplit(".", 1)[-1]
            for case in suite.iter("testcase"):
                crash = hang = 0
                for bad in list(case.iter("failure")) + list(case.iter("error")):
                    text = (bad.get("message") or "") + (bad.text or "")[:2000]
                    if "timed out" in text or "timeout" in text.lower():
                        hang += 1
                    else:
                        crash += 1
                f.write(f"{cls}\t{case.get('name')}\t{seed}\t{crash}\t{hang}\n")
PY
done

touch "$work/results.tsv"
python3 - "$work/results.tsv" "$report" "$unit_tests,$its" "$round" "$minutes" "$watchdog_hangs" "${failed_seeds[*]:-}" <<'PY'
import collections, sys
results, report, wanted, rounds, minutes, watchdog, seeds = sys.argv[1:8]
runs = collections.Counter(); crashes = collections.Counter(); hangs = collections.Counter(); bad_seeds = collections.defaultdict(set)
for line in open(results):
    cls, method, seed, c, h = line.rstrip("\n").split("\t")
    runs[cls] += 1; crashes[cls] += int(c); hangs[cls] += int(h)
    if int(c) or int(h):
        bad_seeds[cls].add(seed)
inputs = collections.Counter(); reporting = set()
for line in open(report):
    name, _, rest = line.strip().partition(" inputs=")
    if rest.isdigit():
        cls = name.split("#")[0].rsplit(".", 1)[-1]
        inputs[cls] += int(rest); reporting.add(cls)
print(f"\nfuzz soak: {minutes} min, {rounds} round(s)\n")
print("| test class | test runs | inputs tried | crashes | hangs | failing seeds |")
print("| --- | ---: | ---: | ---: | ---: | --- |")
for cls in [c for c in wanted.split(",") if c]:
    if runs[cls] == 0:
        print(f"| {cls} | 0 (class not found) | - | - | - | |")
        continue
    tried = f"{inputs[cls]:,}" if cls in reporting else "n/a (no rkv.fuzz.report)"
    print(f"| {cls} | {runs[cls]} | {tried} | {crashes[cls]} | {hangs[cls]} | {' '.join(sorted(bad_seeds[cls]))} |")
total_c, total_h = sum(crashes.values()), sum(hangs.values()) + int(watchdog)
print(f"| **total** | {sum(runs.values())} | {sum(inputs.values()):,} | {total_c} | {total_h} | {seeds} |")
print(f"\nRESULT minutes={minutes} rounds={rounds} inputs={sum(inputs.values())} crashes={total_c} hangs={total_h}")
sys.exit(1 if total_c or total_h else 0)
PY
