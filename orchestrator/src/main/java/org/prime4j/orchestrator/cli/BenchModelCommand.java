package org.prime4j.orchestrator.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.prime4j.model.bench.ModelBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j bench model}: the DJL model against PyTorch eager, measured in the same run. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Training-step and generation tokens/s of the DJL model against PyTorch eager.")
final class BenchModelCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "Interpreter with torch for the baseline (default: ${DEFAULT-VALUE}).")
    Path python;

    @Option(names = "--no-torch", description = "Measure the DJL side only.")
    boolean noTorch;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads on both sides.")
    int threads;

    @Option(names = "--steps", defaultValue = "3",
            description = "Timed training steps of the large model (the tiny one runs 3x as many).")
    int steps;

    @Option(names = "--only", description = "Run only the workload with this name (tiny-0.1M, qwen2-26.8M).")
    String only;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        List<ModelBench.Result> results = new ArrayList<>();
        for (ModelBench.Workload w : ModelBench.standardWorkloads(steps)) {
            if (only != null && !only.equals(w.name())) {
                continue;
            }
            ModelBench.Result r = ModelBench.run(w, threads, noTorch ? null : python, out);
            if (r.torch() == null) {
                out.println("NOTE: " + r.torchNote() + "; reporting the DJL side only.");
            } else {
                out.println(r.torchNote());
            }
            results.add(r);
            out.flush();
        }
        if (results.isEmpty()) {
            spec.commandLine().getErr().println("no workload named " + only);
            return 2;
        }
        out.println();
        out.print(ModelBench.table(results));
        out.flush();
        return 0;
    }
}
