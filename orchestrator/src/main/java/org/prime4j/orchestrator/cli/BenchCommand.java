package org.prime4j.orchestrator.cli;

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
            BenchCommand.Verify.class,
            BenchCommand.Serve.class,
            BenchCommand.Client.class
        })
final class BenchCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "model", mixinStandardHelpOptions = true,
            description = "Training-step and generation tokens/s of the DJL model against PyTorch eager.")
    static final class Model extends PendingCommand {}

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Math and code verifications per second.")
    static final class Verify extends PendingCommand {}

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Embedded server tokens/s at several concurrencies and its HTTP overhead.")
    static final class Serve extends PendingCommand {}

    @Command(name = "client", mixinStandardHelpOptions = true,
            description = "Rollout client parse throughput and per-request overhead.")
    static final class Client extends PendingCommand {}
}
