package dev.rkv.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rkv experiment}: the reproducible studies. */
@Command(name = "experiment", mixinStandardHelpOptions = true, description = "Reproducible studies.",
    subcommands = {SyncStudyCommand.class})
final class ExperimentCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
