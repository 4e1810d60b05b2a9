package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Client;

/**
 * Redis 7.0's switches for dangerous actions (enable-debug-command, enable-protected-configs):
 * "no", "yes", or "local", which allows clients on the loopback interface only.
 */
final class ProtectedActions {
    private ProtectedActions() {
    }

    static boolean allowed(Client c, String option) {
        String mode = c.server().config().getString(option);
        return mode.equals("yes") || (mode.equals("local") && fromLoopback(c.connection().peerAddress()));
    }

    private static boolean fromLoopback(String peer) {
        return peer.startsWith("127.") || peer.startsWith("0:0:0:0:0:0:0:1:") || peer.startsWith("::1:")
            || peer.startsWith("[::1]") || peer.startsWith("[0:0:0:0:0:0:0:1]");
    }
}
