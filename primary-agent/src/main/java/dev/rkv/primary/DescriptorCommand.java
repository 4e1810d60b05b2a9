package dev.rkv.primary;

import dev.rkv.kvserver.command.Args;
import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandHandler;
import dev.rkv.kvserver.command.CommandSpec;
import dev.rkv.kvserver.command.CommandTable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import static dev.rkv.kvserver.command.CommandFlag.ADMIN;
import static dev.rkv.kvserver.command.CommandFlag.NOSCRIPT;
import static dev.rkv.kvserver.command.CommandFlag.STALE;

/**
 * {@code RKVSYNC DESCRIPTOR secret}: the table's descriptor, for a replica that presents the
 * replication secret. Registered in the server's command table by the agent (the server
 * knows nothing of it); answers an error while no agent is attached.
 */
final class DescriptorCommand implements CommandHandler {
    static final String NAME = "rkvsync";

    private volatile PrimaryAgent agent;

    /** Registers the command once per server and points it at {@code agent}. */
    static void install(CommandTable table, PrimaryAgent agent) {
        CommandSpec existing = table.lookup(NAME);
        if (existing != null && existing.handler() instanceof DescriptorCommand d) {
            d.agent = agent;
            return;
        }
        DescriptorCommand d = new DescriptorCommand();
        d.agent = agent;
        table.register(CommandSpec.command(NAME, -2).flags(ADMIN, NOSCRIPT, STALE).group("server").since("0.1.0")
            .summary("rkv accelerator: the mapping table's descriptor for RDMA full sync").handler(d).build());
    }

    static void uninstall(CommandTable table, PrimaryAgent agent) {
        CommandSpec existing = table.lookup(NAME);
        if (existing != null && existing.handler() instanceof DescriptorCommand d && d.agent == agent) {
            d.agent = null;
        }
    }

    // RKVSYNC DESCRIPTOR [secret]
    @Override
    public void execute(Client c, byte[][] argv) {
        if (!Args.is(argv[1], "descriptor") || argv.length > 3) {
            c.out().error("ERR unknown RKVSYNC subcommand or wrong number of arguments, try RKVSYNC DESCRIPTOR <secret>");
            return;
        }
        PrimaryAgent a = agent;
        if (a == null) {
            c.out().error("ERR rkv agent: no agent attached to this server");
            return;
        }
        String expected = a.secret(c.server());
        byte[] given = argv.length == 3 ? argv[2] : new byte[0];
        if (!expected.isEmpty() && !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given)) {
            a.refused();
            c.out().error("NOPERM rkv agent: wrong replication secret");
            return;
        }
        String refusal = a.refusal(c.server());
        if (refusal != null) {
            a.declined();
            c.out().error("ERR rkv agent: " + refusal);
            return;
        }
        c.out().bulk(a.descriptor().encode().getBytes(StandardCharsets.UTF_8));
    }
}
