# Shared by the experiments/ benchmark scripts (sourced, not run). Expects to be sourced from
# the repository root, after `set -euo pipefail`.

# JAR=path measures another build as it is (for example an older commit's, to compare).
JAR_GIVEN=${JAR:+yes}
JAR=${JAR:-cli/target/rkv.jar}
# A jar older than the sources would measure code that is no longer here (after a checkout, a merge
# or an edit), and the results would name the wrong commit: build it again first.
if [ -z "$JAR_GIVEN" ] && [ ! -f "$JAR" ] || [ -z "$JAR_GIVEN" ] && [ -n "$(find . -path ./experiments/results -prune -o \( -name '*.java' -o -name pom.xml \) -newer "$JAR" -print -quit)" ]; then
  echo "building $JAR (missing, or older than the sources) ..." >&2
  mvn -B -q package -DskipTests
fi

# rkv is run through its launcher, cli/bin/rkv, with the JVM settings the README gives a user:
# the figures that count. JAVA_OPTS, when set, replaces them for a run to be labelled as tuned.
run_rkv() { # rkv arguments...
  # Started with `run_rkv ... &` the function runs in a subshell whose pid is $!: exec
  # there, so that $! is the JVM's pid and killing it (or reading its RSS) reaches the JVM.
  local run=()
  [[ $BASHPID != "$$" ]] && run=(exec)
  if [[ -n ${JAVA_OPTS+set} ]]; then
    RKV_JAR="$JAR" RKV_JAVA_OPTS="$JAVA_OPTS" "${run[@]}" cli/bin/rkv "$@"
  else
    RKV_JAR="$JAR" "${run[@]}" cli/bin/rkv "$@"
  fi
}

# The JVM options `rkv COMMAND` runs with, for the results' headings: the launcher says.
rkv_jvm_options() { # command
  if [[ -n ${JAVA_OPTS+set} ]]; then
    echo "${JAVA_OPTS:-none, the JVM defaults} (tuned, set by JAVA_OPTS)"
  else
    local line
    line=$(RKV_JAR="$JAR" JAVA=echo cli/bin/rkv "$1")
    echo "${line%% -jar *} (the launcher's defaults for rkv $1, cli/bin/rkv)"
  fi
}

# Stops with an install hint when a tool the benchmark needs is missing.
require_tools() { # tool...
  for tool in "$@"; do
    command -v "$tool" >/dev/null || {
      echo "$tool not found: apt-get install -y redis-server redis-tools python3" >&2
      exit 2
    }
  done
}

# A scratch directory and the background servers (PIDS) are removed/stopped on exit.
tmp=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# One field of a server's INFO section: the value after "name:", empty when the field is absent.
info_field() { # port section name
  redis-cli -p "$1" info "$2" | tr -d '\r' | awk -F: -v f="$3" '$1 == f { print $2 }'
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }

# Waits until a server answers PING, for at most AWAIT_PING_TENTHS tenths of a second (default 60 s).
await_ping() { # port
  for _ in $(seq "${AWAIT_PING_TENTHS:-600}"); do
    redis-cli -p "$1" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.1
  done
  echo "server on port $1 did not answer PING" >&2
  return 1
}

# RESP for KEYS SETs of key:<12 digits> -> VALUE bytes (the keys redis-benchmark -r draws), in
# chunks, for `redis-cli --pipe`: the same dataset for every benchmark that loads one.
generate_sets() { # keys value_bytes
  python3 - "$1" "$2" <<'EOF'
import sys, random
keys, size = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(937)
block = bytes(rnd.choice(b"abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(size + 64))
out = sys.stdout.buffer
vhdr = b"$%d\r\n" % size
chunk = []
for i in range(keys):
    k = b"key:%012d" % i
    off = i % 64
    chunk.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n%s%s\r\n" % (len(k), k, vhdr, block[off:off + size]))
    if len(chunk) == 4096:
        out.write(b"".join(chunk))
        chunk = []
out.write(b"".join(chunk))
EOF
}
