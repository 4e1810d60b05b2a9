package dev.rkv.kvserver.repl;

/** The replication link over RDMA on the shm provider. */
class ShmRdmaReplicationLinkIT extends RdmaReplicationLinkIT {
    @Override
    protected String provider() {
        return "shm";
    }
}
