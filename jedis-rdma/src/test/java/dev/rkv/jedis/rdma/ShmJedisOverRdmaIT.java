package dev.rkv.jedis.rdma;

/** Jedis over RDMA on the shm provider. */
class ShmJedisOverRdmaIT extends JedisOverRdmaContractIT {
    @Override
    protected String provider() {
        return "shm";
    }
}
