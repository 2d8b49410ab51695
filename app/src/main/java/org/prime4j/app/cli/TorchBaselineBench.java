package org.prime4j.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * A benchmark that runs named workloads in DJL and, as its baseline in the same run, in PyTorch eager
 * through a Python subprocess. Holds the options and the report loop that every such command shares.
 *
 * @param <W> a workload
 * @param <R> its result
 */
abstract class TorchBaselineBench<W, R> implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "Interpreter with torch for the baseline (default: ${DEFAULT-VALUE}).")
    Path python;

    @Option(names = "--no-torch", description = "Measure the DJL side only.")
    boolean noTorch;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads on both sides.")
    int threads;

    @Option(names = "--only", description = "Run only the workload with this name.")
    String only;

    abstract List<W> workloads();

    abstract String name(W workload);

    abstract R run(W workload, int threads, Path pythonOrNull, PrintWriter out) throws Exception;

    /** Null when the baseline ran. */
    abstract String missingBaseline(R result);

    abstract String note(R result);

    abstract String table(List<R> results);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<R> results = new ArrayList<>();
        for (W w : workloads()) {
            if (only != null && !only.equals(name(w))) {
                continue;
            }
            R r = run(w, threads, noTorch ? null : python, out);
            String missing = missingBaseline(r);
            out.println(missing != null ? "NOTE: " + missing + "; reporting the DJL side only." : note(r));
            results.add(r);
            out.flush();
        }
        if (results.isEmpty()) {
            spec.commandLine().getErr().println("no workload named " + only);
            return 2;
        }
        out.println();
        out.print(table(results));
        out.flush();
        return 0;
    }
}
