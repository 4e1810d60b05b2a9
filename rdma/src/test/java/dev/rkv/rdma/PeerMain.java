package dev.rkv.rdma;

import java.nio.ByteBuffer;

/**
 * A peer in its own process for the "peer killed" tests: registers a region, listens on an
 * ephemeral port, prints {@code READY port address rkey} and serves until killed.
 */
public final class PeerMain {
    private PeerMain() {
    }

    public static void main(String[] args) throws Exception {
        String provider = args[0];
        long size = Long.parseLong(args[1]);
        RdmaDevice device = Providers.open(provider);
        MemoryRegion region = device.allocate(size, Access.LOCAL_WRITE | Access.REMOTE_READ);
        ByteBuffer b = region.buffer();
        while (b.remaining() >= 8) {
            b.putLong(b.position());
        }
        ConnectionListener listener = device.listen("127.0.0.1", 0);
        CompletionQueue cq = device.createCompletionQueue(1 << 16);
        System.out.println("READY " + listener.localAddress().getPort() + " " + region.address() + " " + region.rkey());
        System.out.flush();
        while (true) {
            listener.accept(EndpointOptions.of(cq).withDepths(16, 16));
        }
    }
}
