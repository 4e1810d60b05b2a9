package dev.rkv.kvserver.info.sections;

import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.info.InfoFields;
import dev.rkv.kvserver.info.InfoSection;

/** INFO persistence: RDB state from the persistence component, or the fields of a server that never saves. */
final class PersistenceSection implements InfoSection {
    private final ServerContext server;

    PersistenceSection(ServerContext server) {
        this.server = server;
    }

    @Override
    public void write(InfoFields f) {
        if (server.persistence() != null) {
            f.putAll(server.persistence().infoFields(server.nowMs()));
            return;
        }
        f.put("loading", 0)
            .put("async_loading", 0)
            .put("rdb_changes_since_last_save", server.stats().dirty)
            .put("rdb_bgsave_in_progress", 0)
            .put("rdb_last_save_time", server.lastSaveTimeMs() / 1000)
            .put("rdb_last_bgsave_status", "ok")
            .put("rdb_last_bgsave_time_sec", -1)
            .put("rdb_current_bgsave_time_sec", -1)
            .put("rdb_saves", 0)
            .put("aof_enabled", 0)
            .put("aof_rewrite_in_progress", 0)
            .put("aof_rewrite_scheduled", 0)
            .put("aof_last_rewrite_time_sec", -1)
            .put("aof_current_rewrite_time_sec", -1)
            .put("aof_last_bgrewrite_status", "ok")
            .put("aof_rewrites", 0)
            .put("aof_last_write_status", "ok");
    }
}
