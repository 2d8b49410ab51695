package org.prime4j.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Benchmarks: each subcommand measures one part against a baseline taken in the same run. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure speed against a baseline run in the same process (ratios, not absolute times).",
        subcommands = {
            BenchModelCommand.class,
            BenchTrainerCommand.class,
            BenchVerifyCommand.class,
            BenchServeCommand.class,
            BenchClientCommand.class,
            BenchAsyncCommand.class,
            BenchPrmCommand.class,
            BenchPrimeVsRlooCommand.class,
            BenchMemoryCommand.class
        })
final class BenchCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
