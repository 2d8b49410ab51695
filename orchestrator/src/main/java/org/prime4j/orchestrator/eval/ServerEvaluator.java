package org.prime4j.orchestrator.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.Rollouts;
import org.prime4j.client.Sample;
import org.prime4j.client.SamplingOptions;
import org.prime4j.client.protocol.ServerException;
import org.prime4j.orchestrator.data.PromptItem;

/**
 * Evaluation through inference servers, with the client training uses: each item's prompt (after the
 * {@link PromptTemplate}) is tokenized by the server, k responses are sampled per prompt (k = 1 at temperature
 * 0 is greedy decoding), and each is scored by {@link EvalScoring}. The seed of each request is derived from
 * {@code seed} and the request's first prompt, so a run repeats on the same servers.
 *
 * @param model the served model name to ask for (vLLM's {@code --served-model-name}); null: the server's only model
 */
public record ServerEvaluator(int k, double temperature, double topP, int maxTokens, long seed, String model,
                              PromptTemplate template) {

    public ServerEvaluator {
        if (k < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("k and max tokens must be >= 1, got k=" + k + ", max tokens="
                    + maxTokens);
        }
        if (!(temperature >= 0) || !(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("temperature must be >= 0 and top-p in (0, 1], got " + temperature
                    + " and " + topP);
        }
    }

    public SamplingOptions sampling() {
        return SamplingOptions.prime(k, maxTokens).withSampling(temperature, temperature == 0 ? 1.0 : topP)
                .withModel(model);
    }

    /** Samples and scores every item; {@code settings} are recorded in the report as given. */
    public EvalReport run(RolloutClient client, List<PromptItem> items, EvalScoring scoring,
                          Map<String, Object> settings) throws ServerException {
        scoring.prepare(items);
        List<int[]> prompts = new ArrayList<>(items.size());
        for (PromptItem item : items) {
            PromptTemplate.Prompt p = template.render(item);
            int[] ids = p.messages() != null ? client.tokenizeChat(p.messages()) : client.tokenize(p.raw());
            if (ids.length == 0) {
                throw new IllegalArgumentException(item.source() + ": the prompt tokenizes to no tokens");
            }
            prompts.add(ids);
        }
        List<Rollouts> rollouts = client.sample(prompts, sampling(), seed);
        List<List<String>> responses = new ArrayList<>();
        List<List<Boolean>> truncated = new ArrayList<>();
        for (Rollouts r : rollouts) {
            List<String> texts = new ArrayList<>();
            List<Boolean> cut = new ArrayList<>();
            for (Sample s : r.samples()) {
                texts.add(s.text() == null ? "" : s.text());
                cut.add(s.truncated());
            }
            responses.add(texts);
            truncated.add(cut);
        }
        return new EvalReport(settings, scoring.score(items, responses, truncated));
    }
}
