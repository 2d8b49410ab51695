package org.prime4j.orchestrator.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.generate.Completion;
import org.prime4j.model.generate.Generator;
import org.prime4j.model.generate.SamplingParams;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.score.Scorer;
import org.prime4j.orchestrator.prime.AdvantageConfig;
import org.prime4j.orchestrator.prime.AdvantageEstimator;

/**
 * End to end on a toy task, on-policy: sample from the policy (the model module's KV-cache sampler), reward 1
 * when the first response token is {@link #TARGET}, outcome RLOO advantages, PPO. The target's probability
 * must rise well above its start (observed: 0.16 to about 0.8 in 6 updates).
 */
class PolicyLearnsTest {

    static final int TARGET = 5;
    static final int K = 4;
    static final int[][] PROMPTS = {{1, 2}, {3}, {2, 4, 6}, {7, 1}, {6, 6}, {4}, {3, 5, 1}, {2, 2}};

    @Test
    void ppoRaisesTheProbabilityOfTheRewardedFirstToken() {
        ModelConfig config = ModelConfig.tiny(ModelConfig.Architecture.QWEN2, 16, 1, 2, 1, 8);
        try (CausalLM policy = CausalLM.random(config, 17, 0.2);
             PolicyTrainer ppo = new PolicyTrainer(policy, PolicySettings.defaults(1e-2, 16, 16))) {
            double start = targetProbability(policy);
            double worstMismatch = 0;
            for (int step = 0; step < 6; step++) {
                List<TrainSample> batch = rollouts(policy, step);
                double[] outcomes = new double[batch.size()];
                int[] lengths = new int[batch.size()];
                for (int i = 0; i < batch.size(); i++) {
                    outcomes[i] = batch.get(i).outcome();
                    lengths[i] = batch.get(i).responseIds().length;
                }
                double[][] adv = AdvantageEstimator.advantages(AdvantageConfig.outcomeOnlyRloo(), null, outcomes,
                        lengths, K);
                PolicyResult r = ppo.update(batch, adv);
                worstMismatch = Math.max(worstMismatch, r.logprobMismatchMax());
            }
            double end = targetProbability(policy);
            assertThat(end).as("P(first token = target) from %.3f", start).isGreaterThan(start + 0.25);
            // the sampler (KV cache, one row at a time) and the trainer (padded teacher forcing) agree
            assertThat(worstMismatch).isLessThan(1e-4);
        }
    }

    /** K samples of 3 tokens per prompt, with the sampler's log-probs. */
    static List<TrainSample> rollouts(CausalLM policy, int step) {
        List<Generator.Request> reqs = new ArrayList<>();
        for (int p = 0; p < PROMPTS.length; p++) {
            for (int k = 0; k < K; k++) {
                reqs.add(new Generator.Request(PROMPTS[p],
                        SamplingParams.sample(1.0, 1.0, -1, 1000L * step + 10L * p + k, 3)));
            }
        }
        List<Completion> out = Generator.generate(policy, reqs, null);
        List<TrainSample> batch = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            int[] prompt = reqs.get(i).prompt();
            int[] response = out.get(i).tokenIds();
            batch.add(new TrainSample(prompt, response, out.get(i).logprobs(), null,
                    response[0] == TARGET ? 1.0 : 0.0));
        }
        return batch;
    }

    /** Mean over the prompts of P(TARGET | prompt), by the model module's scorer. */
    static double targetProbability(CausalLM model) {
        double sum = 0;
        for (int[] prompt : PROMPTS) {
            float[] lp = TrainerContractTest.scored(model, prompt, new int[] {TARGET});
            sum += Math.exp(lp[0]);
        }
        return sum / PROMPTS.length;
    }
}
