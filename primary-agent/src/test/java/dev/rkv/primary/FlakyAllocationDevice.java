package dev.rkv.primary;

import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RegistrationException;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A real device whose {@link #allocate} fails while a failure is armed, as a host out of
 * registrable (pinned) or direct memory does. Everything else goes to the real device.
 */
final class FlakyAllocationDevice implements RdmaDevice {
    private final RdmaDevice real;
    private final AtomicReference<Supplier<? extends Throwable>> failure = new AtomicReference<>();
    private final AtomicLong refused = new AtomicLong();

    FlakyAllocationDevice(RdmaDevice real) {
        this.real = real;
    }

    /** From now on every allocation fails as the registration of a region does. */
    void failWithRegistrationError() {
        failure.set(() -> new RegistrationException("injected: cannot register a region (memlock limit reached)"));
    }

    /** From now on every allocation fails as a JVM out of direct memory does. */
    void failWithOutOfMemory() {
        failure.set(() -> new OutOfMemoryError("injected: Cannot reserve direct buffer memory"));
    }

    void heal() {
        failure.set(null);
    }

    /** Allocations refused so far. */
    long refused() {
        return refused.get();
    }

    @Override
    public MemoryRegion allocate(long length, int access) {
        Supplier<? extends Throwable> f = failure.get();
        if (f != null) {
            refused.incrementAndGet();
            Throwable t = f.get();
            if (t instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) t;
        }
        return real.allocate(length, access);
    }

    @Override
    public String provider() {
        return real.provider();
    }

    @Override
    public MemoryRegion register(ByteBuffer directBuffer, int access) {
        return real.register(directBuffer, access);
    }

    @Override
    public MemoryRegion register(Path file, long offset, long length, int access) {
        return real.register(file, offset, length, access);
    }

    @Override
    public CompletionQueue createCompletionQueue(int capacity) {
        return real.createCompletionQueue(capacity);
    }

    @Override
    public ConnectionListener listen(String host, int port) {
        return real.listen(host, port);
    }

    @Override
    public Endpoint connect(String host, int port, EndpointOptions options) {
        return real.connect(host, port, options);
    }

    @Override
    public void close() {
        real.close();
    }
}
