package dev.rkv.rdma.shm;

import dev.rkv.rdma.Access;
import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RegistrationException;
import dev.rkv.rdma.ResourceClosedException;
import dev.rkv.rdma.soft.ListenerLimits;
import dev.rkv.rdma.soft.OneSided;
import dev.rkv.rdma.soft.SoftDevice;
import dev.rkv.rdma.support.BasicRegion;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * An shm device: a private directory of region files plus the soft engine for connections,
 * SENDs and immediates. READ and WRITE never reach the peer's threads: {@link ShmPeer}
 * copies to or from the peer's mapped region after checking its header. The directory is
 * named after its owner ({@link ShmDirectoryName}) and removed on close or JVM exit, and a
 * dead owner's is swept at the next open ({@link ShmDirectoryJanitor}).
 */
final class ShmDevice implements RdmaDevice, OneSided {
    private static final System.Logger LOG = System.getLogger(ShmDevice.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final SoftDevice engine;
    private volatile boolean closed;

    ShmDevice(Path shmRoot, ListenerLimits listenerLimits) {
        ShmDirectoryJanitor.sweepStale(shmRoot);
        byte[] secret = new byte[12];
        RANDOM.nextBytes(secret);
        this.dir = shmRoot.resolve(ShmDirectoryName.ofThisProcess().format(HexFormat.of().formatHex(secret)));
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new RegistrationException("shm: cannot create " + dir + ": " + e, e);
        }
        try {
            this.engine = new SoftDevice(ShmProvider.NAME, this, listenerLimits, shmRoot);
        } catch (RuntimeException e) {
            ShmDirectoryJanitor.delete(dir);
            throw e;
        }
        ShmDirectoryJanitor.releaseAtExit(this);
    }

    /** The directory holding this device's region files. */
    Path directory() {
        return dir;
    }

    @Override
    public String provider() {
        return ShmProvider.NAME;
    }

    @Override
    public MemoryRegion allocate(long length, int access) {
        ensureOpen();
        Access.validate(access);
        SoftDevice.checkLength(length);
        if ((access & (Access.REMOTE_READ | Access.REMOTE_WRITE)) == 0) {
            // Peers never map local-only memory: keep it out of /dev/shm.
            return engine.allocate(length, access);
        }
        if (length > Integer.MAX_VALUE - ShmRegionDescriptor.HEADER_SIZE) {
            throw new RegistrationException("shm region length " + length + " exceeds "
                    + (Integer.MAX_VALUE - ShmRegionDescriptor.HEADER_SIZE));
        }
        int rkey = engine.regions().randomRkey();
        Path file = dir.resolve(ShmRegionDescriptor.fileName(rkey));
        MappedByteBuffer all = SoftDevice.map(file, 0, ShmRegionDescriptor.HEADER_SIZE + length);
        ByteBuffer header = all.slice(0, ShmRegionDescriptor.HEADER_SIZE);
        ByteBuffer data = all.slice(ShmRegionDescriptor.HEADER_SIZE, (int) length);
        return publish(header, data, access, rkey, ShmRegionDescriptor.HEADER_SIZE, null, file);
    }

    @Override
    public MemoryRegion register(ByteBuffer directBuffer, int access) {
        ensureOpen();
        if ((access & (Access.REMOTE_READ | Access.REMOTE_WRITE)) != 0) {
            throw new RegistrationException("shm can expose to peers only memory it can share: use allocate() or "
                    + "register(Path, offset, length, access); a plain direct buffer can be registered for local "
                    + "access (LOCAL_WRITE) only");
        }
        return engine.register(directBuffer, access);
    }

    @Override
    public MemoryRegion register(Path file, long offset, long length, int access) {
        ensureOpen();
        Access.validate(access);
        SoftDevice.checkLength(length);
        byte[] path = file.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        if (path.length > ShmRegionDescriptor.MAX_PATH) {
            throw new RegistrationException("path of " + path.length + " bytes exceeds " + ShmRegionDescriptor.MAX_PATH);
        }
        ByteBuffer data = SoftDevice.map(file, offset, length);
        int rkey = engine.regions().randomRkey();
        Path headerFile = dir.resolve(ShmRegionDescriptor.fileName(rkey));
        ByteBuffer header = SoftDevice.map(headerFile, 0, ShmRegionDescriptor.HEADER_SIZE);
        return publish(header, data, access, rkey, offset, path, headerFile);
    }

    private MemoryRegion publish(ByteBuffer header, ByteBuffer data, int access, int rkey, long dataOffset, byte[] path,
                                 Path headerFile) {
        MemoryRegion r;
        try {
            r = engine.regions().add(data, access, rkey, () -> {
                // Dead first, so a peer holding the mapping refuses it from now on; then unlink.
                ShmRegionDescriptor.putStateRelease(header, ShmRegionDescriptor.STATE_DEAD);
                try {
                    Files.deleteIfExists(headerFile);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "deleting " + headerFile + ": " + e);
                }
            });
        } catch (RuntimeException e) {
            deleteQuietly(headerFile);
            throw e;
        }
        header.putInt(ShmRegionDescriptor.MAGIC_OFFSET, ShmRegionDescriptor.MAGIC);
        header.putInt(ShmRegionDescriptor.ACCESS_OFFSET, access);
        header.putInt(ShmRegionDescriptor.RKEY_OFFSET, rkey);
        header.putLong(ShmRegionDescriptor.BASE_OFFSET, r.address());
        header.putLong(ShmRegionDescriptor.LENGTH_OFFSET, r.length());
        header.putLong(ShmRegionDescriptor.DATA_OFFSET_OFFSET, dataOffset);
        header.putInt(ShmRegionDescriptor.PATH_LENGTH_OFFSET, path == null ? 0 : path.length);
        if (path != null) {
            header.put(ShmRegionDescriptor.PATH_OFFSET, path);
        }
        // Release: a peer that reads LIVE with acquire sees every field above.
        ShmRegionDescriptor.putStateRelease(header, ShmRegionDescriptor.STATE_LIVE);
        return r;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "deleting " + p + ": " + e);
        }
    }

    @Override
    public CompletionQueue createCompletionQueue(int capacity) {
        return engine.createCompletionQueue(capacity);
    }

    @Override
    public ConnectionListener listen(String host, int port) {
        return engine.listen(host, port);
    }

    @Override
    public Endpoint connect(String host, int port, EndpointOptions options) {
        return engine.connect(host, port, options);
    }

    // ------------------------------------------------------------------ OneSided

    @Override
    public byte[] localInfo() {
        return dir.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public PeerMemory attach(byte[] peerInfo) throws IOException {
        Path peerDir = Path.of(new String(peerInfo, StandardCharsets.UTF_8));
        if (!Files.isDirectory(peerDir)) {
            throw new IOException("shm peer directory " + peerDir + " is not visible here: shm peers must share a host "
                    + "(and /dev/shm); use the soft provider across hosts");
        }
        return new ShmPeer(peerDir);
    }

    private void ensureOpen() {
        if (closed) {
            throw new ResourceClosedException("shm device is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        engine.close();
        ShmDirectoryJanitor.delete(dir);
        ShmDirectoryJanitor.forget(this);
    }

    /**
     * At JVM exit: every region is marked dead (peers holding a mapping stop using it) and its
     * file unlinked, then the directory goes. Sockets and threads are left to the exiting JVM,
     * so this cannot hang shutdown.
     */
    void releaseAtExit() {
        for (BasicRegion r : engine.regions().all()) {
            r.deregister();
        }
        ShmDirectoryJanitor.delete(dir);
    }
}
