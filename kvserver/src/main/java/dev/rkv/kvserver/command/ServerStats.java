package dev.rkv.kvserver.command;

import java.util.Map;
import java.util.HashMap;
import java.util.TreeMap;

/** Counters behind INFO stats and commandstats. Owned by the event loop thread. */
public final class ServerStats {
    /** Looked up once per command executed: a HashMap, since command names cache their hash. */
    private final Map<String, CommandStats> perCommand = new HashMap<>();
    public long commandsProcessed;
    public long connectionsReceived;
    public long rejectedConnections;
    public long keyspaceHits;
    public long keyspaceMisses;
    public long netInputBytes;
    public long netOutputBytes;
    public long errorReplies;
    /** total_error_replies at the end of the last command call (Redis's prev_err_count), for failed_calls. */
    public long errorsAtLastCallEnd;
    private final Map<String, Long> errorCodes = new TreeMap<>();
    /** Writes since the last successful save (rdb_changes_since_last_save). */
    public long dirty;

    private long opsSampleTimeMs;
    private long opsSampleCount;
    private long instantaneousOps;

    public CommandStats forCommand(String fullName) {
        return perCommand.computeIfAbsent(fullName, n -> new CommandStats());
    }

    /** A sorted copy, for INFO commandstats. */
    public Map<String, CommandStats> perCommand() {
        return new TreeMap<>(perCommand);
    }

    /** Counts an error reply under its code (INFO errorstats, total_error_replies). */
    public void errorReply(String code) {
        errorReplies++;
        errorCodes.merge(code, 1L, Long::sum);
    }

    /** Error replies by code, since the last reset. */
    public Map<String, Long> errorCodes() {
        return errorCodes;
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
        errorsAtLastCallEnd = 0;
        errorCodes.clear();
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
