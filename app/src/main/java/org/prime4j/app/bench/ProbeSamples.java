package org.prime4j.app.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.Rollouts;
import org.prime4j.client.Sample;
import org.prime4j.client.SamplingOptions;
import org.prime4j.client.pool.PoolConfig;
import org.prime4j.client.protocol.ChatMessage;
import org.prime4j.client.protocol.ServerException;
import org.prime4j.model.tokenizer.TextTokenizer;
import org.prime4j.orchestrator.arithmetic.ArithmeticChain;
import org.prime4j.orchestrator.config.ServerRole;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.orchestrator.loop.OutcomeScorer;
import org.prime4j.orchestrator.loop.ServerSet;
import org.prime4j.orchestrator.train.TrainSample;
import org.prime4j.verifiers.VerifierRegistry;

/**
 * The probe's data, made as the loop makes a step's batch: prompts tokenized by the server's chat template, k
 * samples per prompt at the rollout temperature, outcomes from the verifier pool, reference log-probs teacher-
 * forced on the server (an embedded server on loopback serving the checkpoint, which is also pi_ref).
 *
 * @param samples   prompt-major, k per prompt, with reference log-probs and outcomes
 * @param tokens    per response, the decoded text of each token (for the line map of the arithmetic check)
 * @param reference per prompt, the arithmetic reference lines; null entries for other tasks
 */
record ProbeSamples(List<TrainSample> samples, List<List<String>> tokens, List<List<String>> reference, int k) {

    int groups() {
        return samples.size() / k;
    }

    /** Groups {@code [from, to)}. */
    ProbeSamples groups(int from, int to) {
        return new ProbeSamples(samples.subList(from * k, to * k), tokens.subList(from * k, to * k),
                reference.subList(from, to), k);
    }

    /** Groups in the given order. */
    ProbeSamples select(List<Integer> groupOrder) {
        List<TrainSample> s = new ArrayList<>();
        List<List<String>> t = new ArrayList<>();
        List<List<String>> r = new ArrayList<>();
        for (int g : groupOrder) {
            s.addAll(samples.subList(g * k, (g + 1) * k));
            t.addAll(tokens.subList(g * k, (g + 1) * k));
            r.add(reference.get(g));
        }
        return new ProbeSamples(s, t, r, k);
    }

    /** Writes the samples (JSON) so that other PRM settings can be probed on the very same responses. */
    void write(java.nio.file.Path file) throws IOException {
        PrmProbe.JSON.writeValue(file.toFile(), this);
    }

    static ProbeSamples read(java.nio.file.Path file) throws IOException {
        try {
            return PrmProbe.JSON.readValue(file.toFile(), ProbeSamples.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--samples " + file + ": not a probe's samples.json ("
                    + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
    }

    double[] outcomes() {
        return samples.stream().mapToDouble(TrainSample::outcome).toArray();
    }

    double[] lengths() {
        return samples.stream().mapToDouble(x -> x.responseIds().length).toArray();
    }

    /**
     * Samples every item k times through an embedded server on {@code model}. A group with an empty response
     * (nothing to score) is dropped whole, so groups stay k long.
     */
    static ProbeSamples collect(java.nio.file.Path model, List<PromptItem> items, int k, int maxTokens,
                                double temperature, long seed) throws IOException, ServerException {
        ServerRole embedded = new ServerRole(null, null, null, null, null, null);
        PoolConfig.Builder pool = PoolConfig.builder().requestBatchSize(64).requestTimeout(Duration.ofMinutes(10))
                .progress(false);
        try (ServerSet servers = ServerSet.policyOnly(embedded, model, pool);
             OutcomeScorer scorer = new OutcomeScorer(VerifierRegistry.builtIn(), List.of(),
                     Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(10));
             TextTokenizer tokenizer = TextTokenizer.load(model)) {
            RolloutClient client = servers.policy();
            scorer.prepare(items);
            List<int[]> prompts = new ArrayList<>();
            for (PromptItem item : items) {
                prompts.add(item.messages() != null
                        ? client.tokenizeChat(item.messages().stream()
                                .map(m -> new ChatMessage(m.role(), m.content())).toList())
                        : client.tokenize(item.rawText()));
            }
            List<Rollouts> rollouts = client.sample(prompts,
                    SamplingOptions.prime(k, maxTokens).withSampling(temperature, 1.0), seed);
            double[] scores = scorer.score(items, rollouts).scores();
            List<int[]> refPrompts = new ArrayList<>();
            List<int[]> responses = new ArrayList<>();
            for (Rollouts r : rollouts) {
                for (Sample s : r.samples()) {
                    refPrompts.add(r.promptIds());
                    responses.add(s.tokenIds().length == 0 ? new int[] {0} : s.tokenIds());
                }
            }
            List<float[]> ref = client.score(refPrompts, responses);
            List<TrainSample> samples = new ArrayList<>();
            List<List<String>> tokens = new ArrayList<>();
            List<List<String>> reference = new ArrayList<>();
            for (int p = 0; p < items.size(); p++) {
                List<Sample> group = rollouts.get(p).samples();
                if (group.stream().anyMatch(s -> s.tokenIds().length == 0)) {
                    continue;
                }
                for (int j = 0; j < k; j++) {
                    Sample s = group.get(j);
                    int row = p * k + j;
                    samples.add(new TrainSample(prompts.get(p), s.tokenIds(), s.logprobs(), ref.get(row), scores[row]));
                    List<String> texts = new ArrayList<>(s.tokenIds().length);
                    for (int id : s.tokenIds()) {
                        texts.add(tokenizer.decode(new int[] {id}, true));
                    }
                    tokens.add(texts);
                }
                PromptItem item = items.get(p);
                reference.add(ArithmeticChain.referenceLines(item.messages() != null
                        ? item.messages().get(item.messages().size() - 1).content() : item.rawText()));
            }
            return new ProbeSamples(samples, tokens, reference, k);
        }
    }
}
