package org.prime4j.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.prime4j.app.bench.TrainerBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j bench trainer}: PRIME's PRM step and PPO update in DJL against PyTorch eager, same run. */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = "Seconds per implicit-PRM step and PPO update, DJL against PyTorch eager on the same samples"
                + " (workloads: demo-0.1M, qwen2-26.8M).")
final class BenchTrainerCommand extends TorchBaselineBench<TrainerBench.Workload, TrainerBench.Result> {

    @Option(names = "--rounds", defaultValue = "3",
            description = "Alternating DJL / PyTorch rounds; each side reports its best (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    List<TrainerBench.Workload> workloads() {
        return TrainerBench.standardWorkloads(rounds);
    }

    @Override
    String name(TrainerBench.Workload w) {
        return w.name();
    }

    @Override
    TrainerBench.Result run(TrainerBench.Workload w, int threads, Path python, PrintWriter out) throws Exception {
        return TrainerBench.run(w, threads, python, out);
    }

    @Override
    String missingBaseline(TrainerBench.Result r) {
        return r.torch() == null ? r.note() : null;
    }

    @Override
    String note(TrainerBench.Result r) {
        return r.note();
    }

    @Override
    String table(List<TrainerBench.Result> results) {
        return TrainerBench.table(results);
    }
}
