package dev.rkv.cli;

import dev.rkv.rdma.Doctor;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code rkv doctor}: which RDMA providers can run on this machine, and why not. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Report which RDMA providers (disni, soft, shm) can run here, and what is missing for the others.")
final class DoctorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("rkv doctor: RDMA providers on this machine");
        int available = Doctor.print(System.out);
        System.out.println(available + " provider(s) available");
        return available > 0 ? 0 : 1;
    }
}
