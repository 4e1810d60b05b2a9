package dev.rkv.rdma.disni;

import com.ibm.disni.RdmaServerEndpoint;
import dev.rkv.rdma.ConnectionListener;
import dev.rkv.rdma.Endpoint;
import dev.rkv.rdma.EndpointOptions;
import dev.rkv.rdma.RdmaConnectException;
import dev.rkv.rdma.ResourceClosedException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A DiSNI server endpoint. DiSNI accepts at the RDMA CM level on a background thread; the
 * queue pair exists once accepted, and is wrapped with the caller's options by {@link #accept}.
 */
final class DisniListener implements ConnectionListener {
    private final DisniDevice device;
    private final RdmaServerEndpoint<DisniEndpoint> server;
    private final InetSocketAddress address;
    private final LinkedBlockingQueue<DisniEndpoint> ready = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private volatile Runnable onPending;
    private volatile IOException failure;

    DisniListener(DisniDevice device, RdmaServerEndpoint<DisniEndpoint> server, InetSocketAddress address) {
        this.device = device;
        this.server = server;
        this.address = address;
        Thread t = new Thread(this::acceptLoop, "rkv-disni-listener-" + address.getPort());
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                ready.add(server.accept());
                notifyPending();
            } catch (IOException e) {
                // accept() reports it to the application
                failure = e;
                return;
            }
        }
    }

    @Override
    public void setListener(Runnable l) {
        this.onPending = l;
        if (l != null && !ready.isEmpty()) {
            l.run();
        }
    }

    private void notifyPending() {
        Runnable l = onPending;
        if (l != null) {
            l.run();
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return address;
    }

    @Override
    public Endpoint accept(EndpointOptions options, long timeout, TimeUnit unit) throws InterruptedException {
        if (closed) {
            throw new ResourceClosedException("disni listener " + address + " is closed");
        }
        device.checkLimits(options);
        DisniEndpoint ep = ready.poll(timeout, unit);
        if (ep == null) {
            IOException f = failure;
            if (f != null) {
                throw new RdmaConnectException("disni listener " + address + " stopped accepting: " + f, f);
            }
            return null;
        }
        try {
            device.adoptPd(ep.getPd());
            return device.wrap(ep, options);
        } catch (IOException e) {
            throw new RdmaConnectException("disni: accepting on " + address + " failed: " + e, e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            throw new RdmaConnectException("closing disni listener " + address + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            device.removeListener(this);
        }
    }
}
