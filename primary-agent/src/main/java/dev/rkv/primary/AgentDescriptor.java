package dev.rkv.primary;

import dev.rkv.rdma.RemoteRegion;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a replica needs to pull the table: the provider and endpoint to connect to, the
 * region (address, length, rkey), and the epoch, replication position and geometry the
 * header held when the descriptor was made (the header itself stays authoritative).
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
 * geometry=TableGeometry{length=..., indexBuckets=..., overflowBlocks=..., classes=[1152x937000]}
 * </pre>
 */
public record AgentDescriptor(String provider, String host, int port, RemoteRegion region, long epoch, String replid, long offset,
                              String geometry) {
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
        m.put("geometry", geometry);
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }
}
