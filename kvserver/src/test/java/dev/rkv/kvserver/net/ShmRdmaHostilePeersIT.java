package dev.rkv.kvserver.net;

/** Hostile RDMA peers against a server on the shm provider. */
class ShmRdmaHostilePeersIT extends RdmaHostilePeersIT {
    @Override
    protected String provider() {
        return "shm";
    }
}
