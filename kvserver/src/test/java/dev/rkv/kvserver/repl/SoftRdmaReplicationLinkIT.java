package dev.rkv.kvserver.repl;

/** The replication link over RDMA on the soft provider. */
class SoftRdmaReplicationLinkIT extends RdmaReplicationLinkIT {
    @Override
    protected String provider() {
        return "soft";
    }
}
