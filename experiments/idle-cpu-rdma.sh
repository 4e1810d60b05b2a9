#!/usr/bin/env bash
# What do idle clients cost an rkv server? Starts a server with an RDMA listener, connects N
# clients (each checked with a PING) that then stay idle, and reads the server's CPU time
# (utime+stime from /proc) over SECONDS. Once with N idle RDMA clients per provider (soft, shm),
# once with N idle TCP clients as the baseline. RDMA readiness comes from completion wake-ups,
# plus one poll per connection a second for keepalives: the figure should be close to TCP's.
#
# Usage: experiments/idle-cpu-rdma.sh [N (default 10)] [SECONDS (default 30)]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10}
SECONDS_IDLE=${2:-30}
# shellcheck source=lib/common.sh
source experiments/lib/common.sh
require_tools python3

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

measure() { # label provider|tcp
  local label=$1 kind=$2 port rport pid client
  port=$(free_port); rport=$(free_port)
  run_rkv server --port "$port" --rdma-port "$rport" --rdma-provider "${kind/tcp/soft}" --save '' \
    --dir "$tmp" --loglevel warning >"$tmp/server-$label.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  for _ in $(seq 100); do python3 - "$port" <<'PY' 2>/dev/null && break || sleep 0.1
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1); s.sendall(b"PING\r\n")
assert s.recv(7) == b"+PONG\r\n"
PY
  done
  local total=$((SECONDS_IDLE + 10))
  if [[ $kind == tcp ]]; then
    python3 - "$port" "$N" "$total" >"$tmp/client-$label.out" 2>&1 <<'PY' &
import socket, sys, time
port, n, secs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port)); s.sendall(b"PING\r\n"); assert s.recv(7) == b"+PONG\r\n"
    socks.append(s)
print("CONNECTED", n, flush=True)
time.sleep(secs)
PY
  else
    java -cp "$JAR" dev.rkv.experiments.rdma.IdleRdmaClients "$kind" "$rport" "$N" "$total" \
      >"$tmp/client-$label.out" 2>&1 &
  fi
  client=$!
  for _ in $(seq 300); do grep -q CONNECTED "$tmp/client-$label.out" && break; sleep 0.1; done
  grep -q CONNECTED "$tmp/client-$label.out" || { cat "$tmp/client-$label.out" >&2; exit 1; }
  sleep 3 # let connection set-up and JIT settle
  local before after
  before=$(cpu_ticks "$pid")
  sleep "$SECONDS_IDLE"
  after=$(cpu_ticks "$pid")
  python3 -c "t=($after-$before)/$hz; print(f'| $label | $N | $SECONDS_IDLE | {t:.2f} | {100*t/$SECONDS_IDLE:.2f}% |')"
  wait "$client"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "| clients | N | seconds | server CPU s | of one core |"
echo "| --- | --- | --- | --- | --- |"
measure tcp tcp
measure rdma-soft soft
measure rdma-shm shm
