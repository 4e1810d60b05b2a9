package dev.rkv.benchmark;

/** {@code rkv benchmark --rdma --provider soft} against an rkv server. */
class SoftRdmaBenchmarkIT extends RdmaBenchmarkContractIT {
    @Override
    protected String provider() {
        return "soft";
    }
}
