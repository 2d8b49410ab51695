package org.prime4j.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.tokenizer.TextTokenizer;
import org.prime4j.app.cli.BenchmarkData;
import org.prime4j.orchestrator.eval.EvalResult;
import org.prime4j.orchestrator.eval.Evaluator;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.verifiers.VerifierRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j eval}: accuracy of a model directory on a JSONL task set or a benchmark file. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = {
    "Evaluate a model on a JSONL task set or a benchmark (MATH-500, AIME 2024, AMC 2023, HumanEval).",
    "Greedy accuracy by default; --k N samples N answers per item at --temperature and also reports pass@N.",
    "Lines hold prompt (or problem/question) and reward_model.ground_truth (or ground_truth/answer); ability picks "
            + "the verifier (default math; HumanEval lines are code)."})
final class EvalCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", converter = ModelOption.class,
            description = "HF model: " + ModelOption.DESCRIPTION + ".")
    Path model;

    @Option(names = "--data", paramLabel = "FILE", description = "JSONL items to score.")
    Path data;

    @Option(names = "--bench", paramLabel = "NAME", description = "A shipped benchmark: math500, aime24, amc23, humaneval.")
    String bench;

    @Option(names = "--bench-dir", paramLabel = "DIR",
            description = "Where --bench files live (default: the repository's data/bench).")
    Path benchDir;

    @Option(names = "--limit", defaultValue = "0", description = "Score only the first N items; 0: all.")
    int limit;

    @Option(names = "--max-tokens", defaultValue = "256", description = "Response budget (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--k", defaultValue = "1", description = "Samples per item; > 1 reports pass@k (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature for --k > 1 (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed for --k > 1 (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "64", description = "Prompts generated together (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--timeout", defaultValue = "10", description = "Verification deadline per item, seconds (default: ${DEFAULT-VALUE}).")
    double timeout;

    @Option(names = "--output", paramLabel = "FILE", description = "Per-item results (line, response, score, reason) as JSONL.")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        if ((data == null) == (bench == null)) {
            err.println("prime4j eval: give exactly one of --data FILE or --bench NAME");
            return 2;
        }
        Path file = data;
        if (bench != null) {
            try {
                file = BenchmarkData.file(benchDir != null ? benchDir : BenchmarkData.locate("--bench-dir"), bench);
            } catch (IllegalArgumentException e) {
                err.println("prime4j eval: --bench: " + e.getMessage());
                return 2;
            }
        }
        List<PromptItem> items;
        Evaluator evaluator;
        try {
            items = PromptDataset.read(file, PromptDataset.Options.TASKS);
            evaluator = new Evaluator(batchSize, maxTokens, k, temperature, seed,
                    Duration.ofMillis(Math.round(timeout * 1000)));
        } catch (IllegalArgumentException | java.io.IOException e) {
            err.println("prime4j eval: " + e.getMessage());
            return 2;
        }
        if (limit > 0 && limit < items.size()) {
            items = items.subList(0, limit);
        }
        EvalResult r;
        try (CausalLM m = CausalLM.load(model); TextTokenizer tok = TextTokenizer.load(model);
             ProgressBar bar = new ProgressBarBuilder().setTaskName("eval").setInitialMax(items.size())
                     .setConsumer(new ConsoleProgressBarConsumer(err)).build()) {
            r = evaluator.run(m, tok, items, VerifierRegistry.builtIn(), bar::stepTo);
        }
        if (output != null) {
            ObjectMapper json = new ObjectMapper();
            try (BufferedWriter w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                for (EvalResult.Scored s : r.samples()) {
                    ObjectNode o = json.createObjectNode();
                    o.put("line", s.line()).put("response", s.response()).put("score", s.score()).put("reason", s.reason());
                    w.write(o.toString());
                    w.write('\n');
                }
            }
        }
        spec.commandLine().getOut().println(file.getFileName() + ": " + r.summary());
        return 0;
    }
}
