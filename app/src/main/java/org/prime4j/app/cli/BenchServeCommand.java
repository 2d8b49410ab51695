package org.prime4j.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.DType;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.tokenizer.ByteLevelTokenizerFiles;
import org.prime4j.app.bench.ServeBenchmark;
import org.prime4j.server.djl.DjlServingModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Embedded server tokens/s at several concurrencies and its HTTP overhead.")
final class BenchServeCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", converter = ModelOption.class,
            description = "Checkpoint to serve, " + ModelOption.DESCRIPTION
                    + " (default: a random demo-size model: 2 layers, width 64, 4 heads).")
    Path model;

    @Option(names = "--requests", defaultValue = "32", description = "Requests per measurement (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--max-tokens", defaultValue = "32", description = "Tokens per request (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--warmup", defaultValue = "200",
            description = "Untimed one-token requests on each path before measuring (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--concurrency", defaultValue = "1,16", split = ",",
            description = "Concurrent HTTP clients, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Override
    public Integer call() throws Exception {
        DjlRuntime.offline();
        Path dir = model;
        Path scratch = null;
        if (dir == null) {
            scratch = Files.createTempDirectory("prime4j-bench-serve");
            dir = scratch.resolve("tiny");
            ModelConfig config = ModelConfig.tiny(ModelConfig.Architecture.QWEN2, 64, 2, 4, 2, 259);
            try (CausalLM m = CausalLM.random(config, 1, 0.3)) {
                m.save(dir, DType.F32, 0);
            }
            ByteLevelTokenizerFiles.write(dir, ByteLevelTokenizerFiles.CHATML_SPECIALS);
        }
        try (DjlServingModel served = DjlServingModel.load(dir, null)) {
            ServeBenchmark.Result r = ServeBenchmark.run(served,
                    new ServeBenchmark.Settings(requests, maxTokens, concurrency, warmup));
            spec.commandLine().getOut().println("Embedded server on " + (model == null ? "a random demo-size model"
                    : model) + ", " + maxTokens + " tokens per request, " + Runtime.getRuntime().availableProcessors()
                    + " cores:\n");
            spec.commandLine().getOut().print(ServeBenchmark.markdown(r));
            spec.commandLine().getOut().flush();
        } finally {
            if (scratch != null) {
                try (var walk = Files.walk(scratch)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        return 0;
    }
}
