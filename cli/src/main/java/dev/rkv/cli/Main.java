package dev.rkv.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rkv} command line. */
@Command(name = "rkv", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Redis-compatible key-value server with RDMA-accelerated replica sync.",
    subcommands = {ServerCommand.class, PrimaryAgentCommand.class, ReplicaAgentCommand.class, ReplicaofCommand.class,
        DemoCommand.class, SessionDemoCommand.class, DoctorCommand.class, RdmaBenchCommand.class,
        ExperimentCommand.class, BenchmarkCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // A wrong argument detected while running (an unknown provider, a bad size) is the
        // user's mistake, not a crash: say what is wrong in one line, exit 2 like a usage error.
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException) {
                cmd.getErr().println("rkv " + cmd.getCommandName() + ": " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl;
    }

    /** Prints the build version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"rkv " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
