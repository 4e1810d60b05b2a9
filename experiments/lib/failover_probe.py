#!/usr/bin/env python3
"""Times one Sentinel failover, from the kill -9 of the primary on (used by bench-failover.sh).

Kills the primary, then polls on loopback with its own small RESP client (forking redis-cli
hundreds of times would take CPU from the servers on a 2-core machine):
  - like a client: asks every sentinel for the master address and, once one names a server
    other than the dead primary, tries SET there; the first OK is the failover time;
  - every replica that is left: in sync once it follows the new primary, its link is up, no
    sync is in progress and its offset reached the new primary's (read first);
and prints one line of key=value fields for the script to parse.

With --stop-follower PID --lag COMMAND (the full variant), first stops the follower (SIGSTOP),
runs COMMAND (writes to the primary), waits until the first replica has them all, and resumes
the follower (SIGCONT) right after the kill. The counters are read before the stop.

Usage: failover_probe.py PRIMARY_PID OLD_PORT SENTINEL_PORTS REPLICA_PORTS [--stop-follower PID --lag COMMAND]
       (ports comma-separated, the replica meant to be promoted first)
"""
import argparse
import subprocess
import os
import signal
import socket
import sys
import time

TIMEOUT_S = float(os.environ.get("PROBE_TIMEOUT_S", "600"))


def command(port, *args, timeout=0.5):
    """One command on a fresh connection; returns the reply (str, int, list, or an Exception for -ERR)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.settimeout(timeout)
        out = b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in (x.encode() for x in args))
        s.sendall(out)
        return read_reply(s.makefile("rb"))


def read_reply(f):
    line = f.readline()
    if not line:
        raise ConnectionError("connection closed")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        return Exception(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)
        return data[:-2].decode("utf-8", "replace")
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [read_reply(f) for _ in range(n)]
    raise ValueError("unexpected reply %r" % line)


def info(port, section):
    text = command(port, "INFO", section)
    if isinstance(text, Exception) or text is None:
        raise ConnectionError(str(text))
    return dict(l.split(":", 1) for l in text.splitlines() if ":" in l and not l.startswith("#"))


def stat(port, name):
    try:
        return int(info(port, "stats").get(name, 0))
    except (OSError, ValueError):
        return 0


def rdma_pulls(port):
    """Full syncs rkv's replica agent completed (a pull, then PSYNC: the primary counts it in sync_partial_ok); 0 elsewhere."""
    try:
        return int(info(port, "accelerator").get("replica_agent_completed_syncs", 0))
    except (OSError, ValueError):
        return 0


def in_sync(replica, primary):
    """Whether replica follows primary with its link up, no sync under way, and has primary's offset."""
    target = int(info(primary, "replication")["master_repl_offset"])
    r = info(replica, "replication")
    return (r.get("master_port") == str(primary) and r.get("master_link_status") == "up"
            and r.get("master_sync_in_progress", "0") == "0" and int(r.get("master_repl_offset", -1)) >= target)


def lag_follower(follower, lag, primary, candidate):
    """Stops the follower, lets the primary take the writes of `lag`, waits until the candidate has them."""
    os.kill(follower, signal.SIGSTOP)
    subprocess.run(lag, shell=True, check=True, stdout=subprocess.DEVNULL)
    target = int(info(primary, "replication")["master_repl_offset"])
    deadline = time.monotonic() + 60
    while int(info(candidate, "replication").get("master_repl_offset", -1)) < target:
        if time.monotonic() > deadline:
            raise RuntimeError("the candidate replica did not reach offset %d within 60 s" % target)
        time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pid", type=int)
    ap.add_argument("old", type=int)
    ap.add_argument("sentinels")
    ap.add_argument("replicas")
    ap.add_argument("--stop-follower", type=int)
    ap.add_argument("--lag")
    a = ap.parse_args()
    pid, old = a.pid, a.old
    sentinels = [int(p) for p in a.sentinels.split(",")]
    replicas = [int(p) for p in a.replicas.split(",")]
    before = {r: (stat(r, "sync_full"), stat(r, "sync_partial_ok"), rdma_pulls(r)) for r in replicas}
    if a.stop_follower:
        lag_follower(a.stop_follower, a.lag, old, replicas[0])
    t0 = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    if a.stop_follower:
        os.kill(a.stop_follower, signal.SIGCONT)
    write_s = new = None
    synced = {}
    while time.monotonic() - t0 < TIMEOUT_S:
        if new is None:
            for s in sentinels:
                try:
                    addr = command(s, "SENTINEL", "get-master-addr-by-name", "mymaster")
                    if isinstance(addr, list) and int(addr[1]) != old and command(int(addr[1]), "SET", "failover:probe", "1") == "OK":
                        write_s, new = time.monotonic() - t0, int(addr[1])
                        break
                except (OSError, ValueError):
                    pass
        else:
            for r in replicas:
                if r != new and r not in synced:
                    try:
                        if in_sync(r, new):
                            synced[r] = time.monotonic() - t0
                    except (OSError, ValueError, KeyError):
                        pass
            if len(synced) == len(replicas) - 1:
                break
        time.sleep(0.005)
    if new is None:
        print("error=no-write-accepted-within-%ds" % TIMEOUT_S)
        return 1
    left = [r for r in replicas if r != new]
    if len(synced) < len(left):
        print("error=replicas-not-in-sync-within-%ds new=%d" % (TIMEOUT_S, new))
        return 1
    full = stat(new, "sync_full") - before[new][0]
    partial = stat(new, "sync_partial_ok") - before[new][1]
    pulls = sum(rdma_pulls(r) - before[r][2] for r in left)
    # rkv's replicas say how their last full sync went (redis-server's do not: "-"); after a partial resync that is an older one.
    transports = ",".join(info(r, "replication").get("master_last_sync_transport", "-") for r in left) if full or pulls else "-"
    # Where an RDMA pull's time went (rkv's replica agent), for the results' notes.
    phases = ";".join(info(r, "accelerator").get("replica_agent_last_pull_phases_ms", "-") for r in left) if pulls else "-"
    # Which replica Sentinel promoted, by its place in REPLICA_PORTS (0 is the one meant to be).
    print("new=%d promoted=%d failover_s=%.3f insync_s=%.3f sync_full=%d sync_partial_ok=%d rdma_pulls=%d transport=%s phases=%s"
          % (new, replicas.index(new), write_s, max(synced.values()), full, partial, pulls, transports or "-", phases))
    return 0


if __name__ == "__main__":
    sys.exit(main())
