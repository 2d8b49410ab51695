package org.prime4j.orchestrator.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.prime4j.orchestrator.train.TrainerBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j bench trainer}: PRIME's PRM step and PPO update in DJL against PyTorch eager, same run. */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = "Seconds per implicit-PRM step and PPO update, DJL against PyTorch eager on the same samples.")
final class BenchTrainerCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "Interpreter with torch for the baseline (default: ${DEFAULT-VALUE}).")
    Path python;

    @Option(names = "--no-torch", description = "Measure the DJL side only.")
    boolean noTorch;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads on both sides.")
    int threads;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Alternating DJL / PyTorch rounds; each side reports its best (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--only", description = "Run only the workload with this name (demo-0.1M, qwen2-26.8M).")
    String only;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        List<TrainerBench.Result> results = new ArrayList<>();
        for (TrainerBench.Workload w : TrainerBench.standardWorkloads(rounds)) {
            if (only != null && !only.equals(w.name())) {
                continue;
            }
            TrainerBench.Result r = TrainerBench.run(w, threads, noTorch ? null : python, out);
            out.println(r.torch() == null ? "NOTE: " + r.note() + "; reporting the DJL side only." : r.note());
            results.add(r);
            out.flush();
        }
        if (results.isEmpty()) {
            spec.commandLine().getErr().println("no workload named " + only);
            return 2;
        }
        out.println();
        out.print(TrainerBench.table(results));
        out.flush();
        return 0;
    }
}
