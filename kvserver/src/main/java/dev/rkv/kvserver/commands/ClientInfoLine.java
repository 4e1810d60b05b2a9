package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.ClientKind;

/**
 * One client as CLIENT LIST and CLIENT INFO describe it, in Redis 7.0's field order.
 *
 * <p>Fields without an equivalent in rkv: {@code fd=-1} (Java exposes no descriptor),
 * {@code qbuf-free=0}, {@code argv-mem=0}, {@code rbs=0 rbp=0} (the read buffer belongs to the
 * transport), {@code obl=0 oll=0} (the reply buffer is one queue, reported whole as
 * {@code omem}). CLIENT SETINFO's library name and version are kept but, as in 7.0, not listed.
 */
final class ClientInfoLine {
    private ClientInfoLine() {
    }

    static String of(Client c, long nowMs) {
        long qbuf = c.connection().queryBufferBytes();
        long omem = c.output().pending();
        long multiMem = 0;
        for (byte[][] argv : c.queued()) {
            for (byte[] a : argv) {
                multiMem += a.length;
            }
        }
        StringBuilder b = new StringBuilder(256);
        b.append("id=").append(c.id())
            .append(" addr=").append(c.connection().peerAddress())
            .append(" laddr=").append(c.connection().localAddress())
            .append(" fd=-1")
            .append(" name=").append(c.name())
            .append(" age=").append((nowMs - c.createdMs()) / 1000)
            .append(" idle=").append((nowMs - c.lastInteractionMs()) / 1000)
            .append(" flags=").append(flags(c))
            .append(" db=").append(c.dbIndex())
            .append(" sub=").append(c.channels().size())
            .append(" psub=").append(c.patterns().size())
            .append(" ssub=").append(c.shardChannels().size())
            .append(" multi=").append(c.inMulti() ? c.queued().size() : -1)
            .append(" qbuf=").append(qbuf)
            .append(" qbuf-free=0")
            .append(" argv-mem=0")
            .append(" multi-mem=").append(multiMem)
            .append(" rbs=0 rbp=0")
            .append(" obl=0 oll=0")
            .append(" omem=").append(omem)
            .append(" tot-mem=").append(qbuf + omem + multiMem)
            .append(" events=").append(omem > 0 ? "rw" : "r")
            .append(" cmd=").append(c.lastCommand())
            .append(" user=default")
            .append(" redir=-1")
            .append(" resp=").append(c.protocol());
        // rkv: clients not on TCP say which transport they use; TCP lines keep Redis's exact field list.
        String transport = c.connection().transport();
        if (!transport.equals("tcp")) {
            b.append(" transport=").append(transport);
        }
        return b.toString();
    }

    /** Redis's flag letters: S replica, M primary, P subscribed, x in MULTI, d watched key touched, e no-evict; N none. */
    static String flags(Client c) {
        StringBuilder f = new StringBuilder();
        if (c.server().monitors().isMonitor(c)) {
            f.append('O');
        } else if (c.kind() == ClientKind.REPLICA) {
            f.append('S');
        }
        if (c.kind() == ClientKind.PRIMARY) {
            f.append('M');
        }
        if (c.isSubscribed()) {
            f.append('P');
        }
        if (c.inMulti()) {
            f.append('x');
        }
        if (c.dirty()) {
            f.append('d');
        }
        if (c.noEvict()) {
            f.append('e');
        }
        return f.length() == 0 ? "N" : f.toString();
    }
}
