package dev.rkv.resprdma;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * An echo server in its own process, for the "peer killed" test: listens on an ephemeral port,
 * prints {@code READY port}, and echoes one connection until killed.
 */
public final class EchoPeerMain {
    private EchoPeerMain() {
    }

    public static void main(String[] args) throws Exception {
        dev.rkv.rdma.RdmaDevice device = dev.rkv.rdma.Providers.open(args[0]);
        RespRdmaListener listener = RespRdmaListener.listen(device, "127.0.0.1", 0, RespRdmaOptions.defaults());
        System.out.println("READY " + listener.localAddress().getPort());
        System.out.flush();
        RespRdmaChannel ch = null;
        while (ch == null) {
            ch = listener.accept(1, java.util.concurrent.TimeUnit.SECONDS);
        }
        RespRdmaStreams s = RespRdmaStreams.of(ch);
        InputStream in = s.input();
        OutputStream out = s.output();
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            out.flush();
        }
    }
}
