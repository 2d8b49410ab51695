package org.prime4j.orchestrator.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.tokenizer.TextTokenizer;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.config.TrainConfigReader;
import org.prime4j.orchestrator.data.DataCursor;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.orchestrator.data.PromptOrder;
import org.prime4j.orchestrator.train.PolicyResult;
import org.prime4j.orchestrator.train.PolicyUpdater;
import org.prime4j.orchestrator.train.PrmResult;
import org.prime4j.orchestrator.train.PrmSettings;
import org.prime4j.orchestrator.train.PrmStepper;
import org.prime4j.orchestrator.train.TrainSample;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.VerifierRegistry;

/**
 * The wiring of one PRIME step: rollouts and outcomes come from real embedded servers (a tiny random model) and
 * the real verifier pool; the PRM and the policy update are fakes. The PRM fake returns q values that are a
 * known function of each response's tokens; the policy fake records the advantages it is handed.
 *
 * <p>The check is against an independent oracle written here from the paper's formulas (PRIME, Cui et al.
 * 2025, eq. 3-5, as in PRIME's reference code): r_t = beta * q_t with the configured beta; RLOO over each group
 * of K consecutive rows (process: m_i = mean_t r_{i,t}, r_{i,t} * K/(K-1) - sum_j m_j/(K-1); outcome:
 * o_i minus the mean of the other K-1 outcomes, on the last token); c_p, c_o; discounted returns; whitening
 * over all tokens with the unbiased variance. The outcomes of the oracle are not read from the step's rows:
 * they are recomputed from each row's response tokens (decoded with the model's tokenizer, judged by the same
 * parity rule the verifier applies). The test therefore catches a negated or dropped beta, k-1 for K (or K
 * for k-1) anywhere in the step's grouping, and outcomes paired with the wrong row.
 */
class PrimeStepWiringTest {

    private static final int K = 3;
    private static final int PROMPTS = 2;

    @TempDir static Path shared;
    private static ServerSet servers;
    private static OutcomeScorer scorer;
    private static TextTokenizer tokenizer;
    private static CausalLM publishedModel;

    @BeforeAll
    static void start() throws Exception {
        DjlRuntime.pytorch();
        DjlRuntime.offline();
        TinyRun.model(shared.resolve("sft"), 5);
        TinyRun.prompts(shared.resolve("train.jsonl"), 12, "parity");
        servers = ServerSet.start(config("{}", 0.05));
        scorer = new OutcomeScorer(VerifierRegistry.builtIn(), List.of(new TinyRun.Parity()), 2,
                Duration.ofSeconds(60));
        tokenizer = TextTokenizer.load(shared.resolve("sft"));
        publishedModel = CausalLM.load(shared.resolve("sft"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {publishedModel, tokenizer, scorer, servers}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // the rest still closes
            }
        }
    }

    private static TrainConfig config(String advantage, double beta) throws Exception {
        Path yaml = shared.resolve("run-" + Math.abs((advantage + beta).hashCode()) + ".yaml");
        Files.writeString(yaml, """
                model:
                  policy: sft
                data:
                  train: train.jsonl
                rollout: {k: %d, prompts_per_step: %d, max_tokens: 6, request_batch_size: 16, oversampling: 2.0,
                          max_refills: 8}
                prm: {lr: 1.0e-3, beta: %s, micro_batch: 4}
                policy: {lr: 1.0e-3, mini_batch: 4, micro_batch: 2}
                advantage: %s
                verifier: {parallelism: 2}
                run: {out: out, steps: 1, seed: 11}
                """.formatted(K, PROMPTS, Double.toString(beta), advantage));
        return TrainConfigReader.read(yaml);
    }

    /** The fake PRM's q_t: a fixed function of the response's token at t and of t, known to the oracle. */
    static double q(TrainSample s, int t) {
        return 0.1 * ((s.responseIds()[t] * 7 + 3 * t) % 11 - 5) + 0.02 * (t + 1);
    }

    @ParameterizedTest(name = "beta {1}, advantage {0}")
    @CsvSource(delimiter = '|', value = {
            "{reward_norm: none, gamma: 0.9, process_coef: 2.0, outcome_coef: 5.0} | 0.4",
            "{} | 0.05",
    })
    void advantagesHandedToThePolicyAreTheEstimatorsOnTheRowsOfTheStep(String advantage, double beta)
            throws Exception {
        TrainConfig cfg = config(advantage, beta);
        PromptDataset data = PromptDataset.read(cfg.data().train(), cfg.data().readOptions(), w -> { });
        FakePrm prm = new FakePrm(cfg.prm());
        FakePolicy policy = new FakePolicy();
        WeightPublisher publisher = new WeightPublisher(shared.resolve("weights-" + beta), cfg.run().publishDtype(),
                cfg.model().policy());
        PrimeStep step = new PrimeStep(cfg, data, new PromptOrder(data.size(), cfg.run().seed(), DataCursor.START),
                servers, scorer, prm, policy, new PolicyPublisher() {
                    @Override
                    public Path publish(int n) throws Exception {
                        return publisher.publish(n, policy.model(), servers.policy());
                    }

                    @Override
                    public void restore(int n, Path dir) {
                        throw new AssertionError("one synchronous step restores nothing");
                    }
                });

        StepMetrics metrics = step.run(1);

        assertNotNull(prm.batch, "the PRM stepped");
        assertEquals(K, prm.groupSize, "the PRM is told the group size K");
        List<TrainSample> rows = policy.batch;
        assertNotNull(rows, "the policy was updated");
        assertEquals(PROMPTS * K, rows.size(), "prompts_per_step groups of K rows");
        assertEquals(prm.batch, rows, "the PRM and the policy see the same rows in the same order");
        for (int g = 0; g < PROMPTS; g++) {
            for (int j = 1; j < K; j++) {
                assertArrayEquals(rows.get(g * K).promptIds(), rows.get(g * K + j).promptIds(),
                        "rows " + g * K + ".." + (g * K + K - 1) + " answer one prompt");
            }
        }
        double[] outcomes = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String text = tokenizer.decode(rows.get(i).responseIds(), true);
            outcomes[i] = new TinyRun.Parity().verify(new VerificationItem(text, "", null)).score();
            assertEquals(outcomes[i], rows.get(i).outcome(), "row " + i + " carries its own response's outcome");
        }

        double[][] expected = Oracle.advantages(rows, outcomes, beta, K, cfg.advantage().processCoef(),
                cfg.advantage().outcomeCoef(), cfg.advantage().gamma(),
                cfg.advantage().rewardNorm().name().equals("BATCH_NORM"));
        assertEquals(expected.length, policy.advantages.length);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], policy.advantages[i], 1e-9, "advantages of row " + i + ": expected "
                    + Arrays.toString(expected[i]) + ", handed " + Arrays.toString(policy.advantages[i]));
        }
        assertEquals(Oracle.mean(outcomes), metrics.keptAccuracy(), 1e-12);
        assertSame(publishedModel, policy.modelAsked, "the updated policy is what gets published");
    }

    /** PRIME's advantage, written out from the paper's formulas without the production code. */
    static final class Oracle {

        static double[][] advantages(List<TrainSample> rows, double[] o, double beta, int k, double cp, double co,
                                     double gamma, boolean batchNorm) {
            int n = rows.size();
            double[][] r = new double[n][];
            for (int i = 0; i < n; i++) {
                int len = rows.get(i).responseIds().length;
                r[i] = new double[len];
                for (int t = 0; t < len; t++) {
                    r[i][t] = beta * q(rows.get(i), t);
                }
            }
            if (batchNorm) {
                // r / (max over responses and t of |sum_{s >= t} r_s| + 1e-6)
                double max = 0;
                for (double[] row : r) {
                    for (int t = 0; t < row.length; t++) {
                        double toGo = 0;
                        for (int s = t; s < row.length; s++) {
                            toGo += row[s];
                        }
                        max = Math.max(max, Math.abs(toGo));
                    }
                }
                for (double[] row : r) {
                    for (int t = 0; t < row.length; t++) {
                        row[t] /= max + 1e-6;
                    }
                }
            }
            double[][] total = new double[n][];
            for (int i = 0; i < n; i++) {
                int group = i / k;
                double sumOfMeans = 0;
                double othersOutcome = 0;
                for (int j = group * k; j < group * k + k; j++) {
                    sumOfMeans += mean(r[j]);
                    if (j != i) {
                        othersOutcome += o[j];
                    }
                }
                double outcomeAdvantage = o[i] - othersOutcome / (k - 1);
                total[i] = new double[r[i].length];
                for (int t = 0; t < r[i].length; t++) {
                    double process = cp == 0 ? 0 : r[i][t] * k / (k - 1) - sumOfMeans / (k - 1);
                    total[i][t] = cp * process + (t == r[i].length - 1 ? co * outcomeAdvantage : 0);
                }
            }
            // returns G_t = sum_{s >= t} gamma^(s-t) R_s, then whitening over every token of the batch
            double sum = 0;
            int tokens = 0;
            for (int i = 0; i < n; i++) {
                double[] g = new double[total[i].length];
                for (int t = 0; t < g.length; t++) {
                    for (int s = t; s < g.length; s++) {
                        g[t] += Math.pow(gamma, s - t) * total[i][s];
                    }
                    sum += g[t];
                    tokens++;
                }
                total[i] = g;
            }
            double mu = sum / tokens;
            double ss = 0;
            for (double[] row : total) {
                for (double v : row) {
                    ss += (v - mu) * (v - mu);
                }
            }
            double sd = Math.sqrt(ss / (tokens - 1) + 1e-8);
            for (double[] row : total) {
                for (int t = 0; t < row.length; t++) {
                    row[t] = (row[t] - mu) / sd;
                }
            }
            return total;
        }

        static double mean(double[] v) {
            double s = 0;
            for (double x : v) {
                s += x;
            }
            return s / v.length;
        }
    }

    private static final class FakePrm implements PrmStepper {
        private final PrmSettings settings;
        List<TrainSample> batch;
        int groupSize;

        FakePrm(PrmSettings settings) {
            this.settings = settings;
        }

        @Override
        public PrmSettings settings() {
            return settings;
        }

        @Override
        public PrmResult step(List<TrainSample> batch, int groupSize) {
            this.batch = List.copyOf(batch);
            this.groupSize = groupSize;
            double[][] q = new double[batch.size()][];
            double[] logits = new double[batch.size()];
            long tokens = 0;
            for (int i = 0; i < q.length; i++) {
                q[i] = new double[batch.get(i).responseIds().length];
                for (int t = 0; t < q[i].length; t++) {
                    q[i][t] = q(batch.get(i), t);
                }
                tokens += q[i].length;
            }
            return new PrmResult(q, logits, 0.69, 0.5, 1, 0.1, tokens);
        }
    }

    private static final class FakePolicy implements PolicyUpdater {
        List<TrainSample> batch;
        double[][] advantages;
        CausalLM modelAsked;

        @Override
        public PolicyResult update(List<TrainSample> batch, double[][] advantages) {
            assertTrue(this.batch == null, "one update per step");
            this.batch = List.copyOf(batch);
            this.advantages = advantages;
            return new PolicyResult(0.1, 0, 0, 0.2, Double.NaN, Double.NaN, 1.0, Double.NaN, 1, 1,
                    new double[] {0.1}, new double[] {0.2});
        }

        @Override
        public CausalLM model() {
            modelAsked = publishedModel;
            return publishedModel;
        }
    }
}
