package dev.rkv.kvserver.commands;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.ClientKind;
import dev.rkv.kvserver.command.CommandTable;
import dev.rkv.kvserver.protocol.Replies;
import dev.rkv.kvserver.repl.Replication;
import dev.rkv.kvserver.util.Numbers;

import static dev.rkv.kvserver.command.CommandFlag.ADMIN;
import static dev.rkv.kvserver.command.CommandFlag.ALLOW_BUSY;
import static dev.rkv.kvserver.command.CommandFlag.FAST;
import static dev.rkv.kvserver.command.CommandFlag.LOADING;
import static dev.rkv.kvserver.command.CommandFlag.NOSCRIPT;
import static dev.rkv.kvserver.command.CommandFlag.NO_ASYNC_LOADING;
import static dev.rkv.kvserver.command.CommandFlag.NO_MULTI;
import static dev.rkv.kvserver.command.CommandFlag.STALE;
import static dev.rkv.kvserver.command.CommandSpec.command;

/** Replication commands: REPLICAOF SLAVEOF ROLE REPLCONF PSYNC SYNC WAIT. */
public final class ReplicationCommands {
    private ReplicationCommands() {
    }

    public static void register(CommandTable t) {
        t.register(command("replicaof", -3).flags(ADMIN, NOSCRIPT, STALE, NO_ASYNC_LOADING).group("server").since("5.0.0")
            .summary("Configure a server as replica of another, or promote it to a master.")
            .handler(ReplicationCommands::replicaof).build());
        t.register(command("slaveof", 3).flags(ADMIN, NOSCRIPT, STALE, NO_ASYNC_LOADING).group("server")
            .summary("Sets a Redis server as a replica of another, or promotes it to being a master.")
            .handler(ReplicationCommands::replicaof).build());
        t.register(command("role", 1).flags(NOSCRIPT, LOADING, STALE, FAST).group("server").acl("admin", "dangerous").since("2.8.12")
            .summary("Returns the replication role.").handler((c, argv) -> repl(c).role(c)).build());
        t.register(command("replconf", -1).flags(ADMIN, NOSCRIPT, LOADING, STALE, ALLOW_BUSY).group("server")
            .since("3.0.0").summary("An internal command for configuring the replication stream")
            .handler(ReplicationCommands::replconf).build());
        t.register(command("psync", -3).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING, NO_MULTI).group("server").since("2.8.0")
            .summary("An internal command used in replication").handler(ReplicationCommands::psync).build());
        t.register(command("sync", 1).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING, NO_MULTI).group("server")
            .summary("An internal command used in replication").handler(ReplicationCommands::psync).build());
        t.register(command("failover", -1).flags(ADMIN, NOSCRIPT, STALE).group("server").since("6.2.0")
            .summary("Start a coordinated failover between this server and one of its replicas.")
            .handler(ReplicationCommands::failover).build());
        t.register(command("wait", 3).flags(NOSCRIPT).group("generic").acl("connection")
            .tips("request_policy:all_shards", "response_policy:agg_min").since("3.0.0")
            .summary("Wait for the synchronous replication of all the write commands sent in the context of the "
                + "current connection").handler(ReplicationCommands::await).build());
    }

    private static Replication repl(Client c) {
        return c.server().replication();
    }

    // REPLICAOF host port [TCP | RDMA] | REPLICAOF NO ONE
    private static void replicaof(Client c, byte[][] argv) {
        String transport = null;
        if (repl(c).failingOver()) {
            c.out().error("ERR REPLICAOF not allowed while failing over.");
            return;
        }
        if (argv.length > 4 || (argv.length == 4 && Args.is(argv[0], "slaveof"))) {
            c.out().error("ERR wrong number of arguments for '" + Args.string(argv[0]).toLowerCase(java.util.Locale.ROOT) + "' command");
            return;
        }
        if (argv.length == 4) {
            if (Args.is(argv[3], "rdma")) {
                transport = "rdma";
            } else if (Args.is(argv[3], "tcp")) {
                transport = "tcp";
            } else {
                c.out().error("ERR REPLICAOF transport must be TCP or RDMA, was '" + Args.string(argv[3]) + "'");
                return;
            }
        }
        if (transport == null && Args.is(argv[1], "no") && Args.is(argv[2], "one")) {
            repl(c).promote();
            c.out().raw(Replies.OK);
            return;
        }
        if (c.kind() == ClientKind.REPLICA) {
            c.out().error("ERR Command is not valid when client is a replica.");
            return;
        }
        Long port = Args.rangeOrReply(c, argv[2], 0, 65535, "Invalid master port");
        if (port == null) {
            return;
        }
        if (!repl(c).replicaOf(Args.string(argv[1]), port.intValue(), transport)) {
            c.out().simple("OK Already connected to specified master");
            return;
        }
        c.out().raw(Replies.OK);
    }

    // REPLCONF <option> <value> [<option> <value> ...]
    private static void replconf(Client c, byte[][] argv) {
        if (argv.length % 2 == 0) {
            c.out().raw(Replies.SYNTAX_ERR);
            return;
        }
        Replication r = repl(c);
        if (c.kind() == ClientKind.REPLICA) {
            // A replica's connection carries the stream (or its RDB): nothing else may be written
            // to it, so only ACKs are taken and nothing is answered, as Redis never replies to replicas.
            if (argv.length >= 3 && Args.is(argv[1], "ack")) {
                Long off = Numbers.parseLongStrict(argv[2]);
                if (off != null) {
                    r.replconfAck(c, off);
                }
            }
            return;
        }
        for (int j = 1; j < argv.length; j += 2) {
            byte[] opt = argv[j];
            byte[] val = argv[j + 1];
            if (Args.is(opt, "listening-port")) {
                Long port = Args.longOrReply(c, val);
                if (port == null) {
                    return;
                }
                r.replconfListeningPort(c, port.intValue());
            } else if (Args.is(opt, "ip-address")) {
                // Redis keeps it only below NET_HOST_STR_LEN (256) bytes.
                if (val.length >= 256) {
                    c.out().error("ERR REPLCONF ip-address provided by replica instance is too long: " + val.length + " bytes");
                    return;
                }
                r.replconfIpAddress(c, Args.string(val));
            } else if (Args.is(opt, "rdb-only") || Args.is(opt, "rdb-filter-only")) {
                continue;
            } else if (Args.is(opt, "capa")) {
                r.replconfCapa(c, Args.string(val));
            } else if (Args.is(opt, "ack")) {
                // Not a replica (those were handled above): ignored without a reply, as Redis does.
                return;
            } else if (Args.is(opt, "getack")) {
                r.replconfGetAck(c);
                return;
            } else if (Args.is(opt, "rkv-psync-probe")) {
                // rkv's own: "<replid>:<offset>", answered +CONTINUE or +FULLRESYNC as PSYNC would
                // decide now, committing to nothing. A replica that pulls full syncs over RDMA asks
                // first, so that following a new primary that can continue it costs no pull.
                String v = Args.string(val);
                int colon = v.lastIndexOf(':');
                Long offset = colon < 0 ? null : Numbers.parseLongStrict(v.substring(colon + 1));
                if (offset == null) {
                    c.out().error("ERR REPLCONF rkv-psync-probe wants <replid>:<offset>");
                    return;
                }
                c.out().simple(r.wouldContinue(v.substring(0, colon), offset) ? "CONTINUE" : "FULLRESYNC");
                return;
            } else {
                c.out().error("ERR Unrecognized REPLCONF option: " + Args.string(opt));
                return;
            }
        }
        c.out().raw(Replies.OK);
    }

    // PSYNC replicationid offset | SYNC
    private static void psync(Client c, byte[][] argv) {
        if (c.kind() == ClientKind.REPLICA) {
            return;
        }
        Replication r = repl(c);
        if (argv.length > 3 && Args.is(argv[0], "psync") && Args.is(argv[3], "failover")) {
            String error = r.psyncFailover(Args.string(argv[1]));
            if (error != null) {
                c.out().error(error);
                return;
            }
        }
        String refusal = r.syncRefusal();
        if (refusal != null) {
            c.out().error(refusal);
            return;
        }
        if (argv.length == 1) {
            r.psync(c, "?", -1, true);
            return;
        }
        Long offset = Args.longOrReply(c, argv[2]);
        if (offset == null) {
            return;
        }
        r.psync(c, Args.string(argv[1]), offset, false);
    }

    // FAILOVER [TO host port [FORCE]] [TIMEOUT milliseconds] | FAILOVER ABORT
    private static void failover(Client c, byte[][] argv) {
        Replication r = repl(c);
        if (argv.length == 2 && Args.is(argv[1], "abort")) {
            String error = r.failoverAbort();
            if (error != null) {
                c.out().error(error);
            } else {
                c.out().raw(Replies.OK);
            }
            return;
        }
        long timeout = 0;
        boolean force = false;
        String host = null;
        long port = 0;
        // Redis's order: each option once, TO takes two words, a bad number is answered as such.
        for (int j = 1; j < argv.length; j++) {
            if (Args.is(argv[j], "timeout") && j + 1 < argv.length && timeout == 0) {
                Long t = Args.longOrReply(c, argv[j + 1]);
                if (t == null) {
                    return;
                }
                if (t <= 0) {
                    c.out().error("ERR FAILOVER timeout must be greater than 0");
                    return;
                }
                timeout = t;
                j++;
            } else if (Args.is(argv[j], "to") && j + 2 < argv.length && host == null) {
                Long p = Args.longOrReply(c, argv[j + 2]);
                if (p == null) {
                    return;
                }
                port = p;
                host = Args.string(argv[j + 1]);
                j += 2;
            } else if (Args.is(argv[j], "force") && !force) {
                force = true;
            } else {
                c.out().raw(Replies.SYNTAX_ERR);
                return;
            }
        }
        // A port no replica can listen on matches none: "not a replica", as Redis's long compare.
        int portMatch = port < 0 || port > 65535 ? -1 : (int) port;
        String error = r.failover(host, portMatch, timeout, force);
        if (error != null) {
            c.out().error(error);
            return;
        }
        c.out().raw(Replies.OK);
    }

    // WAIT numreplicas timeout
    private static void await(Client c, byte[][] argv) {
        Replication r = repl(c);
        if (r.isReplica()) {
            c.out().error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a "
                + "replica is configured to be writable (which is not the default) writes to replicas are just local "
                + "and are not propagated.");
            return;
        }
        Long num = Args.longOrReply(c, argv[1]);
        if (num == null) {
            return;
        }
        Long timeout = Args.longOrReply(c, argv[2], "timeout is not an integer or out of range");
        if (timeout == null) {
            return;
        }
        if (timeout < 0) {
            c.out().error("ERR timeout is negative");
            return;
        }
        r.await(c, num, timeout);
    }
}
