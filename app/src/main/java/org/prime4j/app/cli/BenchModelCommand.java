package org.prime4j.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.prime4j.app.bench.ModelBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j bench model}: the DJL model against PyTorch eager, measured in the same run. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Training-step and generation tokens/s of the DJL model against PyTorch eager"
                + " (workloads: tiny-0.1M, qwen2-26.8M).")
final class BenchModelCommand extends TorchBaselineBench<ModelBench.Workload, ModelBench.Result> {

    @Option(names = "--steps", defaultValue = "3",
            description = "Timed training steps of the large model (the tiny one runs 3x as many).")
    int steps;

    @Override
    List<ModelBench.Workload> workloads() {
        return ModelBench.standardWorkloads(steps);
    }

    @Override
    String name(ModelBench.Workload w) {
        return w.name();
    }

    @Override
    ModelBench.Result run(ModelBench.Workload w, int threads, Path python, PrintWriter out) throws Exception {
        return ModelBench.run(w, threads, python, out);
    }

    @Override
    String missingBaseline(ModelBench.Result r) {
        return r.torch() == null ? r.torchNote() : null;
    }

    @Override
    String note(ModelBench.Result r) {
        return r.torchNote();
    }

    @Override
    String table(List<ModelBench.Result> results) {
        return ModelBench.table(results);
    }
}
