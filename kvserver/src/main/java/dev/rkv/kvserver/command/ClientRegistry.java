package dev.rkv.kvserver.command;

import dev.rkv.kvserver.net.Connection;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every connected client, by id. Owned by the event loop thread. */
public final class ClientRegistry {
    private final Map<Long, Client> byId = new LinkedHashMap<>();
    private long nextId = 1;

    /** Registers a new client on a connection. */
    public Client open(ServerContext server, Connection connection, long nowMs) {
        Client c = new Client(nextId++, server, connection, nowMs);
        byId.put(c.id(), c);
        return c;
    }

    public void close(Client c) {
        byId.remove(c.id());
    }

    public Client byId(long id) {
        return byId.get(id);
    }

    public Collection<Client> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    public int size() {
        return byId.size();
    }
}
