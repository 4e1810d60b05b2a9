package dev.rkv.rdma;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * An opened device of one provider (an {@code ibv_context} plus its protection domain).
 * Regions, completion queues and endpoints belong to the device that made them and cannot
 * be mixed across devices. Thread-safe.
 */
public interface RdmaDevice extends AutoCloseable {

    /** Name of the provider that opened this device ("soft", "shm", "disni"). */
    String provider();

    /**
     * Allocates memory in the place this provider serves best (for {@code shm} a shared-memory
     * file) and registers it. Contents are zero. Use this for memory peers access remotely.
     *
     * @throws RegistrationException if the length is out of range or memory cannot be had
     */
    MemoryRegion allocate(long length, int access);

    /**
     * Registers an existing direct buffer: its bytes from position to limit. Some providers
     * can expose only memory they can share ({@code shm} registers arbitrary buffers for local
     * access only); they throw {@link RegistrationException} naming the alternative.
     */
    MemoryRegion register(ByteBuffer directBuffer, int access);

    /**
     * Maps {@code length} bytes of {@code file} from {@code offset} read-write and registers
     * them. The file is extended if shorter.
     */
    MemoryRegion register(Path file, long offset, long length, int access);

    /** Creates a completion queue holding up to {@code capacity} completions. */
    CompletionQueue createCompletionQueue(int capacity);

    /** Listens for connections on {@code host:port} (port 0 picks a free one). */
    ConnectionListener listen(String host, int port);

    /**
     * Connects to a listener, waiting up to {@link EndpointOptions#connectTimeout()}.
     *
     * @throws RdmaConnectException if refused, unreachable or timed out
     */
    Endpoint connect(String host, int port, EndpointOptions options);

    /**
     * Closes every endpoint, listener, queue and region of this device, then the device.
     * Idempotent.
     */
    @Override
    void close();
}
