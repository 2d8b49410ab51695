package org.prime4j.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.prime4j.client.pool.PoolConfig;
import org.prime4j.client.protocol.ServerException;
import org.prime4j.orchestrator.config.ServerMode;
import org.prime4j.orchestrator.config.ServerRole;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.orchestrator.eval.EvalReport;
import org.prime4j.orchestrator.eval.EvalScoring;
import org.prime4j.orchestrator.eval.PromptTemplate;
import org.prime4j.orchestrator.eval.ServerEvaluator;
import org.prime4j.orchestrator.loop.ServerSet;
import org.prime4j.verifiers.VerifierRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code prime4j eval}: a model scored on a JSONL task set or a benchmark, through inference servers and the
 * same client as training: an embedded server on loopback ({@code --model}), vLLM started by the launcher
 * ({@code --launch-config}) or servers already running ({@code --base-url}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false, description = {
    "Evaluate a model on a JSONL task set or a benchmark (MATH-500, AIME 2024, AMC 2023, HumanEval) through "
            + "inference servers: an embedded server on loopback (--model DIR), vLLM started from a launch config "
            + "(--launch-config FILE), or running servers (--base-url URL).",
    "Greedy by default; --k N samples N responses per item (temperature 0.6, top-p 0.95 unless given) and "
            + "reports pass@1 (mean over samples), pass@N (unbiased estimator) and maj@N (majority vote over the "
            + "extracted answers). Items with subject/level (MATH-500) also get per-subject and per-level tables.",
    "Lines hold prompt (or problem/question) and reward_model.ground_truth (or ground_truth/answer); ability picks "
            + "the verifier (default math; HumanEval lines are code)."})
final class EvalCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", converter = ModelOption.class,
            description = "Model served by an embedded server on loopback: " + ModelOption.DESCRIPTION + ".")
    Path model;

    @Option(names = "--base-url", paramLabel = "URL", split = ",",
            description = "Running server(s) speaking vLLM's API (root URL without /v1); repeat or comma-separate.")
    List<String> baseUrls;

    @Option(names = "--launch-config", paramLabel = "FILE",
            description = "Start vllm serve from this launch YAML (as prime4j launch) and evaluate through it.")
    Path launchConfig;

    @Option(names = "--api-key-env", paramLabel = "VAR",
            description = "Environment variable holding the servers' API key (--base-url, --launch-config).")
    String apiKeyEnv;

    @Option(names = "--served-model-name", paramLabel = "NAME",
            description = "The model name sent in requests (default: the server's only model).")
    String servedModelName;

    @Option(names = "--data", paramLabel = "FILE", description = "JSONL items to score.")
    Path data;

    @Option(names = "--bench", paramLabel = "NAME", description = "A shipped benchmark: math500, aime24, amc23, humaneval.")
    String bench;

    @Option(names = "--bench-dir", paramLabel = "DIR",
            description = "Where --bench files live (default: the repository's data/bench).")
    Path benchDir;

    @Option(names = "--template", paramLabel = "NAME|FILE", defaultValue = "dataset",
            description = "Prompt template: dataset (the item's prompt through the chat template, as training), "
                    + "qwen-boxed (Qwen2.5-Math's system prompt asking for \\boxed{}, chat template), raw (the "
                    + "problem as-is, no chat template) or a file whose text holds {problem} (default: ${DEFAULT-VALUE}).")
    String template;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Score only the first N items; 0: all.")
    int limit;

    @Option(names = "--k", paramLabel = "N", defaultValue = "1", description = "Samples per item (default: ${DEFAULT-VALUE}, greedy).")
    int k;

    @Option(names = "--temperature", paramLabel = "T",
            description = "Sampling temperature (default: 0 for --k 1, else 0.6).")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus mass (default: 1 for --k 1, else 0.95).")
    Double topP;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "256", description = "Response budget (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "Prompts per request (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "10", description = "Verification deadline per response, seconds (default: ${DEFAULT-VALUE}).")
    double timeout;

    @Option(names = "--request-timeout", paramLabel = "S", defaultValue = "600", description = "Server request deadline, seconds (default: ${DEFAULT-VALUE}).")
    double requestTimeout;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write items.jsonl (responses, scores, extracted answers per item), summary.json and summary.md here.")
    Path out;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        String usage = usageError();
        if (usage != null) {
            err.println("prime4j eval: " + usage);
            return 2;
        }
        Path file = data;
        List<PromptItem> items;
        PromptTemplate tpl;
        ServerEvaluator evaluator;
        ServerRole role;
        try {
            if (bench != null) {
                file = BenchmarkData.file(benchDir != null ? benchDir : BenchmarkData.locate("--bench-dir"), bench);
            }
            items = PromptDataset.read(file, PromptDataset.Options.TASKS);
            tpl = PromptTemplate.parse(template);
            double t = temperature != null ? temperature : k == 1 ? 0.0 : 0.6;
            double p = topP != null ? topP : t == 0 ? 1.0 : 0.95;
            evaluator = new ServerEvaluator(k, t, p, maxTokens, seed, servedModelName, tpl);
            role = serverRole();
        } catch (IllegalArgumentException | IOException e) {
            err.println("prime4j eval: " + oneLine(e));
            return 2;
        }
        if (limit > 0 && limit < items.size()) {
            items = items.subList(0, limit);
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("data", file.toString());
        settings.put("servers", model != null ? "embedded: " + model : launchConfig != null ? "launch: " + launchConfig
                : String.join(",", baseUrls));
        settings.put("template", tpl.name());
        settings.put("k", k);
        settings.put("temperature", evaluator.temperature());
        settings.put("top_p", evaluator.sampling().topP());
        settings.put("max_tokens", maxTokens);
        settings.put("seed", seed);
        EvalReport report;
        PoolConfig.Builder pool = PoolConfig.builder()
                .requestTimeout(Duration.ofMillis(Math.round(requestTimeout * 1000)))
                .requestBatchSize(batchSize)
                .progress(true);
        try (ServerSet servers = ServerSet.policyOnly(role, model, pool);
             EvalScoring scoring = new EvalScoring(VerifierRegistry.builtIn(),
                     Runtime.getRuntime().availableProcessors(), Duration.ofMillis(Math.round(timeout * 1000)))) {
            report = evaluator.run(servers.policy(), items, scoring, settings);
        } catch (IOException | ServerException | RuntimeException e) {
            err.println("prime4j eval: " + oneLine(e));
            return 1;
        }
        try {
            if (out != null) {
                report.writeTo(out);
            }
        } catch (IOException e) {
            err.println("prime4j eval: cannot write " + out + ": " + oneLine(e));
            return 1;
        }
        spec.commandLine().getOut().println(file.getFileName() + ": " + report.oneLine()
                + (out != null ? "; " + out.resolve("summary.md") : ""));
        return 0;
    }

    private String usageError() {
        int servers = (model != null ? 1 : 0) + (baseUrls != null ? 1 : 0) + (launchConfig != null ? 1 : 0);
        if (servers != 1) {
            return "give exactly one of --model DIR, --base-url URL or --launch-config FILE";
        }
        if ((data == null) == (bench == null)) {
            return "give exactly one of --data FILE or --bench NAME";
        }
        if (model != null && (apiKeyEnv != null || servedModelName != null)) {
            return (apiKeyEnv != null ? "--api-key-env" : "--served-model-name")
                    + " is for --base-url and --launch-config (the embedded server of --model needs none)";
        }
        if (apiKeyEnv != null && (System.getenv(apiKeyEnv) == null || System.getenv(apiKeyEnv).isBlank())) {
            return "--api-key-env " + apiKeyEnv + ": the environment variable is not set (or empty)";
        }
        if (k < 1) {
            return "--k must be >= 1, got " + k;
        }
        if (k > 1 && temperature != null && temperature == 0) {
            return "--k " + k + " with --temperature 0 gives " + k + " identical greedy answers; give a temperature > 0";
        }
        return null;
    }

    /** Where the servers come from; the one place --model is interpreted (a directory an embedded server loads). */
    private ServerRole serverRole() {
        if (model != null) {
            if (!Files.isDirectory(model)) {
                throw new IllegalArgumentException("--model " + model + " is not a directory");
            }
            if (!Files.isRegularFile(model.resolve("config.json"))) {
                throw new IllegalArgumentException("--model " + model + " has no config.json (not a Hugging Face"
                        + " model directory)");
            }
            return new ServerRole(ServerMode.EMBEDDED, 1, Math.max(batchSize, 1), null, null, null);
        }
        if (launchConfig != null) {
            if (!Files.isRegularFile(launchConfig)) {
                throw new IllegalArgumentException("--launch-config " + launchConfig + ": no such file");
            }
            return new ServerRole(ServerMode.LAUNCH, null, null, launchConfig, null, apiKeyEnv);
        }
        List<String> urls = new ArrayList<>();
        for (String u : baseUrls) {
            if (!u.strip().matches("https?://[^/\\s?#]+/?")) {
                throw new IllegalArgumentException("--base-url " + u + ": expected a server root http(s)://host[:port]"
                        + " (without /v1)");
            }
            urls.add(u.strip());
        }
        return new ServerRole(ServerMode.REMOTE, null, null, null, urls, apiKeyEnv);
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return m.replaceAll("\\s*\\R\\s*", "; ");
    }
}
