package dev.rkv.benchmark;

/** {@code rkv benchmark --rdma --provider shm} against an rkv server. */
class ShmRdmaBenchmarkIT extends RdmaBenchmarkContractIT {
    @Override
    protected String provider() {
        return "shm";
    }
}
