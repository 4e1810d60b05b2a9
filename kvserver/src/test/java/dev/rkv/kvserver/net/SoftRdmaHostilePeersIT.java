package dev.rkv.kvserver.net;

/** Hostile RDMA peers against a server on the soft provider. */
class SoftRdmaHostilePeersIT extends RdmaHostilePeersIT {
    @Override
    protected String provider() {
        return "soft";
    }
}
