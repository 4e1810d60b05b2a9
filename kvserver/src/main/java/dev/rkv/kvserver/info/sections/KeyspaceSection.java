package dev.rkv.kvserver.info.sections;

import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.info.InfoFields;
import dev.rkv.kvserver.info.InfoSection;
import dev.rkv.kvserver.store.Database;

/** INFO keyspace: dbN:keys=..,expires=..,avg_ttl=0 for every non-empty database (rkv does not sample TTLs). */
final class KeyspaceSection implements InfoSection {
    private final ServerContext server;

    KeyspaceSection(ServerContext server) {
        this.server = server;
    }

    @Override
    public void write(InfoFields f) {
        for (int i = 0; i < server.keyspace().count(); i++) {
            Database db = server.keyspace().db(i);
            if (db.size() > 0) {
                f.put("db" + i, "keys=" + db.size() + ",expires=" + db.volatileSize() + ",avg_ttl=0");
            }
        }
    }
}
