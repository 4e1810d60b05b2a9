package dev.rkv.kvserver.command;

import java.util.Map;
import java.util.TreeMap;

/** Counters behind INFO stats and commandstats. Owned by the event loop thread. */
public final class ServerStats {
    private final Map<String, CommandStats> perCommand = new TreeMap<>();
    public long commandsProcessed;
    public long connectionsReceived;
    public long rejectedConnections;
    public long keyspaceHits;
    public long keyspaceMisses;
    public long netInputBytes;
    public long netOutputBytes;
    public long errorReplies;
    /** Writes since the last successful save (rdb_changes_since_last_save). */
    public long dirty;

    private long opsSampleTimeMs;
    private long opsSampleCount;
    private long instantaneousOps;

    public CommandStats forCommand(String fullName) {
        return perCommand.computeIfAbsent(fullName, n -> new CommandStats());
    }

    public Map<String, CommandStats> perCommand() {
        return perCommand;
    }

    public void reset() {
        perCommand.clear();
        commandsProcessed = 0;
        connectionsReceived = 0;
        rejectedConnections = 0;
        keyspaceHits = 0;
        keyspaceMisses = 0;
        netInputBytes = 0;
        netOutputBytes = 0;
        errorReplies = 0;
    }

    /** Called from the cron: derives instantaneous_ops_per_sec from the command counter. */
    public void sample(long nowMs) {
        if (opsSampleTimeMs != 0 && nowMs > opsSampleTimeMs) {
            instantaneousOps = (commandsProcessed - opsSampleCount) * 1000 / (nowMs - opsSampleTimeMs);
        }
        opsSampleTimeMs = nowMs;
        opsSampleCount = commandsProcessed;
    }

    public long instantaneousOps() {
        return instantaneousOps;
    }
}
