package dev.rkv.kvserver.info.sections;

import dev.rkv.kvserver.command.CommandStats;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.info.InfoFields;
import dev.rkv.kvserver.info.InfoSection;

import java.util.Map;

import static dev.rkv.kvserver.info.InfoFields.twoDecimals;

/** INFO commandstats: one cmdstat_NAME line per command called, rejected or failed since the last reset. */
final class CommandStatsSection implements InfoSection {
    private final ServerContext server;

    CommandStatsSection(ServerContext server) {
        this.server = server;
    }

    @Override
    public void write(InfoFields f) {
        for (Map.Entry<String, CommandStats> e : server.stats().perCommand().entrySet()) {
            CommandStats s = e.getValue();
            if (s.calls() == 0 && s.rejectedCalls() == 0 && s.failedCalls() == 0) {
                continue;
            }
            double perCall = s.calls() == 0 ? 0 : (double) s.micros() / s.calls();
            f.put("cmdstat_" + e.getKey(), "calls=" + s.calls() + ",usec=" + s.micros() + ",usec_per_call="
                + twoDecimals(perCall) + ",rejected_calls=" + s.rejectedCalls() + ",failed_calls=" + s.failedCalls());
        }
    }
}
