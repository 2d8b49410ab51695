package org.prime4j.orchestrator.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A subcommand whose job is not built yet. It says so plainly and exits with {@link #EXIT_PENDING}, so a
 * script never mistakes it for success.
 */
abstract class PendingCommand implements Callable<Integer> {

    static final int EXIT_PENDING = 3;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine()
                .getErr()
                .println("prime4j " + spec.qualifiedName(" ").replaceFirst("^prime4j ", "")
                        + " is not implemented yet.");
        return EXIT_PENDING;
    }
}
