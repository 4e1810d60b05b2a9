package dev.rkv.primary;

import dev.rkv.rdma.RemoteRegion;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a replica needs to pull the table: the provider and endpoint to connect to, the
 * region (address, length, rkey), the epoch and geometry, and the replication position the
 * table held when the descriptor was made: every write up to {@code offset} is in the table
 * from then on, so a replica that pulls afterwards continues the stream from there, with
 * {@code streamdb} (the database the stream had selected there, -1 if none yet) selected.
 *
 * <p>Wire form: lines of {@code name=value}, in this order, ending with a newline:
 * <pre>
 * rkv-descriptor=1
 * provider=soft
 * host=127.0.0.1
 * port=40123
 * address=4096
 * length=1096205312
 * rkey=17
 * epoch=3
 * replid=6f1c...
 * offset=123456
 * streamdb=0
 * geometry=TableGeometry{length=..., indexBuckets=..., overflowBlocks=..., classes=[1152x937000]}
 * </pre>
 */
public record AgentDescriptor(String provider, String host, int port, RemoteRegion region, long epoch, String replid, long offset,
                              int streamDb, String geometry) {
    public static final int VERSION = 1;

    public String encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rkv-descriptor", VERSION);
        m.put("provider", provider);
        m.put("host", host);
        m.put("port", port);
        m.put("address", region.address());
        m.put("length", region.length());
        m.put("rkey", region.rkey());
        m.put("epoch", epoch);
        m.put("replid", replid);
        m.put("offset", offset);
        m.put("streamdb", streamDb);
        m.put("geometry", geometry);
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }
}
