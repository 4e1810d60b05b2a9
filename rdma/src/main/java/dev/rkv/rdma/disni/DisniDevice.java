package dev.rkv.rdma.disni;

import com.ibm.disni.RdmaActiveEndpointGroup;
import com.ibm.disni.RdmaServerEndpoint;
import com.ibm.disni.verbs.IbvMr;
import com.ibm.disni.verbs.IbvPd;
import com.ibm.disni.verbs.SVCRegMr;
import dev.rkv.rdma.Access;
import dev.rkv.rdma.CompletionQueue;
import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.DeviceOptions;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.MemoryRegion;
import dev.rkv.rdma.RdmaConnectException;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.rdma.RdmaException;
import dev.rkv.rdma.RegistrationException;
import dev.rkv.rdma.ResourceClosedException;
import dev.rkv.rdma.soft.SoftDevice;
import dev.rkv.rdma.support.BasicCompletionQueue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DiSNI device: one {@link RdmaActiveEndpointGroup} (DiSNI's CQ threads deliver work
 * completions to our completion queues) and the protection domain of the RDMA interface.
 *
 * <p>Memory can be registered once a protection domain exists: after the first listen or
 * connect, or at once if {@link DeviceOptions#bindAddress()} names the RDMA interface's IP.
 * Group limits come from properties {@code disni.maxWR} (1024), {@code disni.maxSge} (4),
 * {@code disni.cqSize} (4096), {@code disni.timeoutMs} (1000) and {@code disni.polling} (false: DiSNI's CQ
 * threads sleep on the completion channel; true: they busy-poll, lower latency, one core each).
 */
final class DisniDevice implements RdmaDevice {
    private final RdmaActiveEndpointGroup<DisniEndpoint> group;
    private final int maxWr;
    private final int maxSge;
    private final int timeoutMs;
    private final Set<DisniQueuePair> endpoints = ConcurrentHashMap.newKeySet();
    private final Set<DisniListener> listeners = ConcurrentHashMap.newKeySet();
    private final Set<DisniRegion> regions = ConcurrentHashMap.newKeySet();
    private final Set<BasicCompletionQueue> cqs = ConcurrentHashMap.newKeySet();
    private volatile IbvPd pd;
    private volatile boolean closed;

    DisniDevice(DeviceOptions options) throws IOException {
        this.maxWr = intProperty(options, "disni.maxWR", 1024);
        this.maxSge = intProperty(options, "disni.maxSge", 4);
        this.timeoutMs = intProperty(options, "disni.timeoutMs", 1000);
        int cqSize = intProperty(options, "disni.cqSize", 4096);
        boolean polling = Boolean.parseBoolean(options.properties().getOrDefault("disni.polling", "false"));
        this.group = new RdmaActiveEndpointGroup<>(timeoutMs, polling, maxWr, maxSge, cqSize);
        group.init((id, serverSide) -> new DisniEndpoint(group, id, serverSide));
        if (options.bindAddress() != null) {
            RdmaServerEndpoint<DisniEndpoint> s = group.createServerEndpoint();
            try {
                s.bind(new InetSocketAddress(options.bindAddress(), 0), 1);
            } catch (Exception e) {
                throw new IOException("binding to " + options.bindAddress() + ": " + e, e);
            }
            pd = s.getPd();
        }
    }

    private static int intProperty(DeviceOptions o, String name, int dflt) {
        String v = o.properties().get(name);
        return v == null ? dflt : Integer.parseInt(v);
    }

    @Override
    public String provider() {
        return DisniProvider.NAME;
    }

    void adoptPd(IbvPd p) {
        if (pd == null && p != null) {
            pd = p;
        }
    }

    @Override
    public MemoryRegion allocate(long length, int access) {
        SoftDevice.checkLength(length);
        return register(ByteBuffer.allocateDirect((int) length), access);
    }

    @Override
    public MemoryRegion register(ByteBuffer directBuffer, int access) {
        ensureOpen();
        Access.validate(access);
        if (!directBuffer.isDirect()) {
            throw new RegistrationException("only direct buffers can be registered (got a heap buffer)");
        }
        IbvPd p = pd;
        if (p == null) {
            throw new RegistrationException("disni has no protection domain yet: listen or connect first, or open the "
                    + "device with DeviceOptions.withBindAddress(<IP of the RDMA interface>)");
        }
        ByteBuffer mem = directBuffer.slice();
        SVCRegMr call = null;
        try {
            call = p.regMr(mem, DisniMapping.accessFlags(access));
            call.execute();
            IbvMr mr = call.getMr();
            DisniRegion r = new DisniRegion(mr, mem, access);
            regions.add(r);
            return r;
        } catch (IOException e) {
            throw new RegistrationException("ibv_reg_mr of " + mem.capacity() + " bytes failed: " + e, e);
        } finally {
            if (call != null) {
                call.free();
            }
        }
    }

    @Override
    public MemoryRegion register(Path file, long offset, long length, int access) {
        SoftDevice.checkLength(length);
        return register(SoftDevice.map(file, offset, length), access);
    }

    @Override
    public CompletionQueue createCompletionQueue(int capacity) {
        ensureOpen();
        BasicCompletionQueue cq = new BasicCompletionQueue(capacity);
        cqs.add(cq);
        return cq;
    }

    BasicCompletionQueue ownCq(CompletionQueue cq) {
        if (!(cq instanceof BasicCompletionQueue) || !cqs.contains(cq)) {
            throw new RdmaException("completion queue " + cq + " does not belong to this disni device");
        }
        return (BasicCompletionQueue) cq;
    }

    @Override
    public ConnectionListener listen(String host, int port) {
        ensureOpen();
        try {
            RdmaServerEndpoint<DisniEndpoint> s = group.createServerEndpoint();
            s.bind(new InetSocketAddress(host, port), 1024);
            adoptPd(s.getPd());
            DisniListener l = new DisniListener(this, s, new InetSocketAddress(host, port));
            listeners.add(l);
            return l;
        } catch (Exception e) {
            throw new RdmaConnectException("disni: cannot listen on " + host + ":" + port + ": " + e, e);
        }
    }

    @Override
    public Endpoint connect(String host, int port, EndpointOptions options) {
        ensureOpen();
        checkLimits(options);
        InetSocketAddress target = new InetSocketAddress(host, port);
        try {
            DisniEndpoint ep = group.createEndpoint();
            ep.connect(target, (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
            adoptPd(ep.getPd());
            return wrap(ep, options);
        } catch (Exception e) {
            throw new RdmaConnectException("disni: connecting to " + target + " failed: " + e, e);
        }
    }

    void checkLimits(EndpointOptions options) {
        if (options.maxSendWr() > maxWr || options.maxRecvWr() > maxWr || options.maxSge() > maxSge) {
            throw new RdmaException("endpoint depths " + options.maxSendWr() + "/" + options.maxRecvWr() + " sges "
                    + options.maxSge() + " exceed the disni group limits maxWR=" + maxWr + " maxSge=" + maxSge
                    + " (set properties disni.maxWR / disni.maxSge)");
        }
    }

    DisniQueuePair wrap(DisniEndpoint ep, EndpointOptions options) throws IOException {
        BasicCompletionQueue s = ownCq(options.sendCq());
        BasicCompletionQueue r = ownCq(options.recvCq());
        s.reserve(options.maxSendWr());
        r.reserve(options.maxRecvWr());
        DisniQueuePair[] self = new DisniQueuePair[1];
        DisniQueuePair qp = new DisniQueuePair(ep, options, s, r, (InetSocketAddress) ep.getSrcAddr(),
                (InetSocketAddress) ep.getDstAddr(), () -> endpoints.remove(self[0]));
        self[0] = qp;
        ep.attach(qp);
        endpoints.add(qp);
        return qp;
    }

    void removeListener(DisniListener l) {
        listeners.remove(l);
    }

    private void ensureOpen() {
        if (closed) {
            throw new ResourceClosedException("disni device is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        listeners.forEach(DisniListener::close);
        endpoints.forEach(DisniQueuePair::close);
        regions.forEach(DisniRegion::deregister);
        cqs.forEach(BasicCompletionQueue::close);
        try {
            group.close();
        } catch (IOException e) {
            throw new RdmaException("closing the disni endpoint group: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
