package dev.rkv.experiments.rdma;

import dev.rkv.rdma.Providers;
import dev.rkv.rdma.RdmaDevice;
import dev.rkv.resprdma.RespRdmaChannel;
import dev.rkv.resprdma.RespRdmaOptions;
import dev.rkv.resprdma.RespRdmaStreams;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code IdleRdmaClients provider port n seconds}: connects n RESP-over-RDMA clients, checks each
 * with a PING, then keeps them open and idle (keepalives only) for the given time. For measuring
 * what idle RDMA clients cost a server (experiments/idle-cpu-rdma.sh).
 */
public final class IdleRdmaClients {
    private IdleRdmaClients() {
    }

    public static void main(String[] args) throws Exception {
        String provider = args[0];
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        try (RdmaDevice device = Providers.open(provider)) {
            List<RespRdmaStreams> clients = new ArrayList<>();
            byte[] ping = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < n; i++) {
                RespRdmaStreams s = RespRdmaStreams.of(RespRdmaChannel.connect(device, "127.0.0.1", port,
                    RespRdmaOptions.defaults()));
                s.setReadTimeout(5000);
                s.output().write(ping);
                s.output().flush();
                byte[] reply = s.input().readNBytes(7);
                if (!new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                    throw new IllegalStateException("client " + i + " got " + new String(reply, StandardCharsets.US_ASCII));
                }
                clients.add(s);
            }
            System.out.println("CONNECTED " + n);
            System.out.flush();
            Thread.sleep(seconds * 1000);
            for (RespRdmaStreams s : clients) {
                if (!s.channel().isOpen()) {
                    throw new IllegalStateException("a client was closed while idle: " + s.channel().closeReason());
                }
                s.close();
            }
            System.out.println("ALL OPEN AFTER " + seconds + " s");
        }
    }
}
