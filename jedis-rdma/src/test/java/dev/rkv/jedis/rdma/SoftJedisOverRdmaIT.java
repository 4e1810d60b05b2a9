package dev.rkv.jedis.rdma;

/** Jedis over RDMA on the soft provider. */
class SoftJedisOverRdmaIT extends JedisOverRdmaContractIT {
    @Override
    protected String provider() {
        return "soft";
    }
}
