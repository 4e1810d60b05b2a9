package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.ClientKind;
import dev.rkv.kvserver.command.ServerContext;
import dev.rkv.kvserver.info.HeapGauge;
import dev.rkv.kvserver.store.Database;
import dev.rkv.kvserver.store.KeySlot;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the server's memory goes, measured once for MEMORY STATS and MEMORY DOCTOR (Redis's
 * getMemoryOverheadData). Heap figures come from the {@link HeapGauge}; the keyspace's own
 * structures are estimated from their sizes, at a fixed cost per key and per slot map, since
 * the JVM cannot say what one object holds. Everything that is not overhead is the dataset.
 */
record MemoryOverhead(long peak, long total, long startup, long backlog, long replicaBuffers, long clientBuffers,
                      int clients, List<DbOverhead> dbs, long keys, long committed, long rss) {
    /**
     * Heap per key of a database's dictionary beyond its key and value: the HashMap node (32
     * bytes), its share of the bucket array (8), the Key object around the name's bytes (24).
     */
    static final long PER_KEY = 32 + 8 + 24;
    /** A slot's HashMap object with its smallest bucket array. */
    static final long PER_SLOT_MAP = 48 + 16 + 8 * 16;

    /**
     * One database's dictionary: {@code main} its nodes and keys, {@code slotMaps} the array of
     * 16384 slot maps and those in use (Redis's slot-to-keys, which rkv always keeps).
     * Expiry times live in the entries, so there is no separate table of them.
     */
    record DbOverhead(int index, long keys, long main, long slotMaps) {
    }

    static MemoryOverhead measure(ServerContext server) {
        HeapGauge heap = server.heap();
        long total = heap.used();
        long normal = 0;
        long replicas = 0;
        for (Client c : server.clients().all()) {
            long buffers = c.output().pending() + c.connection().queryBufferBytes();
            if (c.kind() == ClientKind.REPLICA) {
                replicas += buffers;
            } else {
                normal += buffers;
            }
        }
        List<DbOverhead> dbs = new ArrayList<>();
        long keys = 0;
        for (int i = 0; i < server.keyspace().count(); i++) {
            Database db = server.keyspace().db(i);
            if (db.size() == 0) {
                continue;
            }
            long occupied = 0;
            for (int slot = 0; slot < KeySlot.SLOTS; slot++) {
                if (db.slotOccupied(slot)) {
                    occupied++;
                }
            }
            dbs.add(new DbOverhead(i, db.size(), db.size() * PER_KEY, 16 + 8L * KeySlot.SLOTS + occupied * PER_SLOT_MAP));
            keys += db.size();
        }
        long backlog = server.replication() != null ? server.replication().backlogBytes() : 0;
        return new MemoryOverhead(heap.peak(), total, heap.startup(), backlog, replicas, normal,
            server.clients().size(), dbs, keys,
            heap.committed(), heap.residentSetBytes());
    }

    /** Everything counted as overhead rather than data (Redis's overhead.total). */
    long overheadTotal() {
        long sum = startup + backlog + replicaBuffers + clientBuffers;
        for (DbOverhead d : dbs) {
            sum += d.main() + d.slotMaps();
        }
        return sum;
    }

    /** The heap in use beyond the overhead: keys' names and values (and garbage not yet collected). */
    long dataset() {
        return Math.max(0, total - overheadTotal());
    }

    /** The heap in use beyond what the server took to start, as Redis's net usage (never 0, it divides). */
    private long netUsage() {
        return Math.max(1, total - startup);
    }

    long bytesPerKey() {
        return keys == 0 ? 0 : (total - startup) / keys;
    }

    double datasetPercentage() {
        return dataset() * 100.0 / netUsage();
    }

    double peakPercentage() {
        return peak == 0 ? 0 : total * 100.0 / peak;
    }

    /** The resident set over the heap in use: how much more the process holds than it uses. */
    double fragmentation() {
        return total == 0 ? 0 : (double) rss / total;
    }
}
