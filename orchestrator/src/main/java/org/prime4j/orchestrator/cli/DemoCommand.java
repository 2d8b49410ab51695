package org.prime4j.orchestrator.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.prime4j.orchestrator.demo.ArithmeticData;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "Train the arithmetic demo end to end on the embedded CPU server: SFT checkpoint, PRIME RL, held-out accuracy.")
final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--write-data", paramLabel = "DIR",
            description = "Only write the task's files (heldout.jsonl, train.jsonl, sft.jsonl) into DIR and exit.")
    Path writeData;

    @Option(names = "--data-seed", defaultValue = "2026", description = "Seed of --write-data (default: ${DEFAULT-VALUE}).")
    long dataSeed;

    @Option(names = "--data-sizes", defaultValue = "500,4000,102400", split = ",",
            description = "Held-out, RL-train and SFT item counts of --write-data (default: ${DEFAULT-VALUE}).")
    int[] dataSizes;

    @Override
    public Integer call() throws Exception {
        if (writeData != null) {
            if (dataSizes.length != 3) {
                System.err.println("prime4j demo: --data-sizes needs three counts (held-out, train, sft)");
                return 2;
            }
            ArithmeticData.writeAll(writeData, dataSeed, dataSizes[0], dataSizes[1], dataSizes[2]);
            spec.commandLine().getOut().println("wrote " + writeData.resolve(ArithmeticData.HELD_OUT) + ", "
                    + writeData.resolve(ArithmeticData.TRAIN) + ", " + writeData.resolve(ArithmeticData.SFT));
            return 0;
        }
        System.err.println("prime4j demo: the RL part is not implemented yet.");
        return PendingCommand.EXIT_PENDING;
    }
}
