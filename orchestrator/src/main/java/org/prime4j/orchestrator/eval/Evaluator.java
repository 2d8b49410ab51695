package org.prime4j.orchestrator.eval;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.prime4j.model.generate.Completion;
import org.prime4j.model.generate.Generator;
import org.prime4j.model.generate.SamplingParams;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.tokenizer.TextTokenizer;
import org.prime4j.orchestrator.data.PromptEncoder;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.verifiers.VerifierRegistry;

/**
 * Accuracy of a model on task items, generating directly with the model's {@link Generator} (no server):
 * greedy decoding (temperature 0), or k samples per item at a temperature for pass@k (seeded per item and
 * sample, so a run repeats). Responses are scored by {@link EvalScoring}, as {@link ServerEvaluator}'s are.
 *
 * @param batchSize   prompts generated together
 * @param maxTokens   response budget per item
 * @param k           samples per item (1: greedy)
 * @param temperature for k > 1
 * @param seed        for k > 1
 */
public record Evaluator(int batchSize, int maxTokens, int k, double temperature, long seed, Duration deadline) {

    public Evaluator {
        if (batchSize < 1 || maxTokens < 1 || k < 1) {
            throw new IllegalArgumentException("batch size, max tokens and k must be >= 1");
        }
        if (k > 1 && !(temperature > 0)) {
            throw new IllegalArgumentException("pass@k with k > 1 needs a temperature > 0, got " + temperature);
        }
    }

    public static Evaluator greedy(int batchSize, int maxTokens) {
        return new Evaluator(batchSize, maxTokens, 1, 0, 0, Duration.ofSeconds(10));
    }

    /** @param progress receives the number of items finished so far (may be null) */
    public EvalResult run(CausalLM model, TextTokenizer tokenizer, List<PromptItem> items, VerifierRegistry verifiers,
                          IntConsumer progress) {
        int correct = 0;
        int wrong = 0;
        int unanswered = 0;
        int passed = 0;
        List<EvalResult.Scored> firsts = new ArrayList<>(items.size());
        try (EvalScoring scoring = new EvalScoring(verifiers, Runtime.getRuntime().availableProcessors(), deadline)) {
            for (int from = 0; from < items.size(); from += batchSize) {
                List<PromptItem> chunk = items.subList(from, Math.min(items.size(), from + batchSize));
                List<Generator.Request> requests = new ArrayList<>(chunk.size() * k);
                for (int i = 0; i < chunk.size(); i++) {
                    int[] prompt = PromptEncoder.encode(tokenizer, chunk.get(i).messages());
                    for (int s = 0; s < k; s++) {
                        requests.add(new Generator.Request(prompt, params(from + i, s)));
                    }
                }
                List<Completion> outs = Generator.generate(model, requests, null);
                List<List<String>> responses = new ArrayList<>();
                List<List<Boolean>> truncated = new ArrayList<>();
                for (int i = 0; i < chunk.size(); i++) {
                    List<String> texts = new ArrayList<>();
                    List<Boolean> cut = new ArrayList<>();
                    for (int s = 0; s < k; s++) {
                        Completion c = outs.get(i * k + s);
                        texts.add(tokenizer.decode(c.tokenIds(), true));
                        cut.add(c.finishReason() == Completion.FinishReason.LENGTH);
                    }
                    responses.add(texts);
                    truncated.add(cut);
                }
                List<ItemResult> scored = scoring.score(chunk, responses, truncated);
                for (int i = 0; i < chunk.size(); i++) {
                    ItemResult r = scored.get(i);
                    if (r.scores()[0] >= 1.0) {
                        correct++;
                    } else if (r.reasons().get(0).startsWith("no answer")) {
                        unanswered++;
                    } else {
                        wrong++;
                    }
                    firsts.add(new EvalResult.Scored(chunk.get(i).line(), r.responses().get(0), r.scores()[0],
                            r.reasons().get(0)));
                    passed += r.correct() > 0 ? 1 : 0;
                }
                if (progress != null) {
                    progress.accept(from + chunk.size());
                }
            }
        }
        return new EvalResult(items.size(), correct, wrong, unanswered, k > 1 ? passed : -1, k, firsts);
    }

    private SamplingParams params(int item, int sample) {
        if (k == 1) {
            return SamplingParams.greedy(maxTokens);
        }
        return SamplingParams.sample(temperature, 1.0, -1, seed * 1_000_003L + item * 1_009L + sample, maxTokens);
    }
}
