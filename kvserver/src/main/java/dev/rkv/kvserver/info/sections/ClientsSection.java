package dev.rkv.kvserver.info.sections;

import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.info.InfoFields;
import dev.rkv.kvserver.info.InfoSection;

/** INFO clients. The recent-max buffers are the current maxima over connected clients. */
final class ClientsSection implements InfoSection {
    private final ServerContext server;

    ClientsSection(ServerContext server) {
        this.server = server;
    }

    @Override
    public void write(InfoFields f) {
        long maxIn = 0;
        long maxOut = 0;
        for (Client c : server.clients().all()) {
            maxIn = Math.max(maxIn, c.connection().queryBufferBytes());
            maxOut = Math.max(maxOut, c.output().pending());
        }
        f.put("connected_clients", server.clients().size())
            .put("cluster_connections", 0)
            .put("maxclients", server.config().getLong("maxclients"))
            .put("client_recent_max_input_buffer", maxIn)
            .put("client_recent_max_output_buffer", maxOut)
            .put("blocked_clients", server.blocked().count())
            .put("tracking_clients", 0)
            .put("clients_in_timeout_table", 0);
    }
}
