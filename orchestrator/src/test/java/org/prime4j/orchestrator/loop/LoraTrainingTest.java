package org.prime4j.orchestrator.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.ScoreMode;
import org.prime4j.client.WeightProbe;
import org.prime4j.client.pool.PoolConfig;
import org.prime4j.model.io.DType;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.lora.LoraConfig;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.OwnedArrays;
import org.prime4j.model.score.Scorer;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.config.TrainConfigReader;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.ServerOptions;
import org.prime4j.server.djl.DjlServingModel;
import org.prime4j.server.model.GeneratedSequence;
import org.prime4j.server.model.PromptScores;
import org.prime4j.server.model.ScoreRequest;
import org.prime4j.server.model.SequenceRequest;
import org.prime4j.server.model.ServingModel;

/**
 * LoRA PRIME end to end on a tiny random model: two adapters over one frozen base, the policy adapter published
 * to the servers each step under a fresh name, one server fleet for rollouts (adapter) and reference (base).
 */
@ExtendWith(OneIntraOpThread.class)
class LoraTrainingTest {

    @TempDir static Path shared;
    private static CausalLM base;
    /** The same model stored in BF16, and its values as the servers hold them (widened to FP32). */
    private static CausalLM bf16;

    private static final int[] PROBE_PROMPT = {2, 40, 41, 43, 61, 10};
    private static final int[] PROBE_RESPONSE = {52, 53, 55, 98, 120};

    @BeforeAll
    static void model() throws Exception {
        TinyRun.model(shared.resolve("sft"), 5);
        base = CausalLM.load(shared.resolve("sft"));
        TinyRun.model(shared.resolve("sft-bf16"), 5, DType.BF16);
        bf16 = CausalLM.load(shared.resolve("sft-bf16"));
    }

    @AfterAll
    static void close() {
        base.close();
        bf16.close();
    }

    private static Path runDir(Path dir) throws IOException {
        return TinyRun.runDir(dir, shared.resolve("sft"));
    }

    private static TrainConfig config(Path dir, String servers) throws Exception {
        return config(dir, servers, "{out: out, steps: 3, seed: 11, checkpoint_every: 2, eval_every: 3}");
    }

    private static TrainConfig config(Path dir, String servers, String run) throws Exception {
        return config(dir, servers, run, 16);
    }

    private static TrainConfig config(Path dir, String servers, String run, int requestBatch) throws Exception {
        Path yaml = dir.resolve("run.yaml");
        Files.writeString(yaml, """
                model:
                  policy: sft
                data:
                  train: train.jsonl
                  eval: train.jsonl
                  eval_limit: 3
                rollout: {k: 4, prompts_per_step: 2, max_tokens: 6, request_batch_size: %d, oversampling: 2.0,
                          max_refills: 4}
                prm: {lr: 1.0e-2, micro_batch: 4, lora: {r: 4, alpha: 8}}
                policy: {lr: 2.0e-2, mini_batch: 4, micro_batch: 2,
                         lora: {r: 4, alpha: 8, target_modules: [q_proj, v_proj, up_proj, down_proj]}}
                verifier: {parallelism: 2}
                run:""".formatted(requestBatch) + " " + run + "\n" + servers);
        return TrainConfigReader.read(yaml);
    }


    /** log p(response | prompt) per response token on {@code model} as it stands (adapter or none). */
    private static float[] logprobs(CausalLM model, int[] prompt, int[] response) {
        int[] seq = Arrays.copyOf(prompt, prompt.length + response.length);
        System.arraycopy(response, 0, seq, prompt.length, response.length);
        float[] all = Scorer.score(model, List.of(seq), 0).get(0).logprobs();
        return Arrays.copyOfRange(all, prompt.length - 1, seq.length - 1);
    }

    private static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /**
     * Over an FP32 base and over a BF16 one, which the trainer holds in its 16 bits (widened a layer at a time,
     * layers recomputed in backward) while the servers load it widened to FP32: the sampler and the trainer must
     * agree either way.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sft", "sft-bf16"})
    void eachStepPublishesTheAdapterAndTheServersSampleFromIt(String model, @TempDir Path tmp) throws Exception {
        Path dir = TinyRun.runDir(tmp.resolve("run"), shared.resolve(model));
        CausalLM base = model.equals("sft") ? LoraTrainingTest.base : bf16;
        float[] baseLp = logprobs(base, PROBE_PROMPT, PROBE_RESPONSE);
        List<Double> shift = new ArrayList<>();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try (DjlServingModel served = DjlServingModel.load(shared.resolve(model), null);
             EmbeddedServer server = EmbeddedServer.start(served, ServerOptions.loopback("base").withLora(true));
             RolloutClient probe = RolloutClient.open(PoolConfig.builder().role("probe")
                     .baseUrls(List.of(server.baseUrl().toString())).progress(false).build())) {
            // One server, named as remote: the test can ask it what it serves while the run goes on.
            TrainConfig cfg = config(dir, "servers: {policy: {mode: remote, base_urls: [" + server.baseUrl() + "]}}\n");
            assertTrue(cfg.servers().reference().servedByPolicy(), "same_as_policy is the LoRA default");
            PrimeTraining.run(cfg, TinyRun.options(progress).withOnStep(m -> {
                int step = m.step();
                String name = AdapterPublisher.nameOf(step);
                Path published = dir.resolve("out/weights/step-" + step);
                try {
                    assertTrue(Files.isRegularFile(published.resolve(LoraConfig.FILE)), "PEFT layout at step " + step);
                    assertTrue(Files.isRegularFile(published.resolve(LoraAdapter.WEIGHTS)));
                    assertThat(probe.models()).as("step %d: the new adapter is loaded, the previous one is not", step)
                            .contains(name).doesNotContain(AdapterPublisher.nameOf(step - 1));
                    float[] sampler = probe.score(List.of(PROBE_PROMPT), List.of(PROBE_RESPONSE),
                            ScoreMode.PROMPT_LOGPROBS, name).get(0);
                    float[] trainer;
                    try (LoraAdapter adapter = LoraAdapter.load(base, published)) {
                        base.setAdapter(adapter);
                        trainer = logprobs(base, PROBE_PROMPT, PROBE_RESPONSE);
                    } finally {
                        base.setAdapter(null);
                    }
                    assertThat(maxDiff(sampler, trainer)).as("step %d: sampler vs trainer log-probs", step)
                            .isLessThan(1e-4);
                    shift.add(maxDiff(trainer, baseLp));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                assertThat(m.policy().mismatchMean()).as("step %d: rollouts came from the published adapter", step)
                        .isLessThan(1e-4);
            }));
            assertEquals(3, shift.size(), "every step was checked");
            assertThat(shift.get(2)).as("the adapter moved the policy away from the base (so the check can fail)")
                    .isGreaterThan(1e-3);
            assertThat(probe.score(List.of(PROBE_PROMPT), List.of(PROBE_RESPONSE)).get(0))
                    .as("the base stays as it was: the server's default model is still pi_ref")
                    .usingComparatorWithPrecision(1e-4f).containsExactly(baseLp);
        }
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains(model.equals("sft")
                ? "over one base held in FP32; activation checkpointing policy on, PRM on"
                : "over one base held in BF16");
    }

    @Test
    void oneFleetServesTheAdapterForRolloutsAndTheBaseForTheReference(@TempDir Path tmp) throws Exception {
        Path dir = runDir(tmp.resolve("run"));
        TrainConfig cfg = config(dir, "");
        Path adapterDir = tmp.resolve("adapter");
        try (LoraAdapter adapter = LoraAdapter.create(base, cfg.policy().lora().toConfig("sft"), 3)) {
            Random rng = new Random(4);
            for (Map.Entry<String, NDArray> p : adapter.parameters().entrySet()) {
                float[] v = new float[Math.toIntExact(p.getValue().size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rng.nextGaussian() * 0.3);
                }
                OwnedArrays.overwrite(p.getValue(), v);
            }
            adapter.save(adapterDir);
        }
        float[] baseLp = logprobs(base, PROBE_PROMPT, PROBE_RESPONSE);
        float[] adapterLp;
        try (LoraAdapter adapter = LoraAdapter.load(base, adapterDir)) {
            base.setAdapter(adapter);
            adapterLp = logprobs(base, PROBE_PROMPT, PROBE_RESPONSE);
        } finally {
            base.setAdapter(null);
        }
        assertThat(maxDiff(adapterLp, baseLp)).isGreaterThan(1e-2);

        try (ServerSet servers = ServerSet.start(cfg)) {
            assertSame(servers.policy(), servers.reference(), "one fleet: the reference client is the policy's");
            assertEquals(1, servers.policy().stats().size(), "one embedded server (servers.policy.count 1)");
            // Published as a run publishes it, checked by the probe against the trainer's log-probs.
            servers.policy().publishLora("probe", adapterDir, m -> false,
                    new WeightProbe(PROBE_PROMPT, PROBE_RESPONSE, adapterLp, 1e-4));
            float[] viaAdapter = servers.policy().score(List.of(PROBE_PROMPT), List.of(PROBE_RESPONSE),
                    ScoreMode.PROMPT_LOGPROBS, "probe").get(0);
            float[] reference = servers.reference().score(List.of(PROBE_PROMPT), List.of(PROBE_RESPONSE)).get(0);
            assertThat(maxDiff(viaAdapter, adapterLp)).as("the adapter, by name").isLessThan(1e-4);
            assertThat(maxDiff(reference, baseLp)).as("the reference: the base, no adapter").isLessThan(1e-4);
        }
    }

    /**
     * Issue 12 with LoRA: one of two policy servers dies after step 1 and is restarted (without adapters) after
     * step 2. Every step trains (the accuracy filter is off: which groups pass it depends on tokens sampled on this
     * CPU); the restarted server is loaded with the current adapter before it samples again,
     * and no rollout ever asks a server for an adapter other than the newest one published.
     */
    @Test
    @Timeout(180)
    void aDeadThenRestartedServerGetsTheCurrentAdapterBeforeItSamplesAndNoStepIsLost(@TempDir Path tmp)
            throws Exception {
        Path dir = runDir(tmp.resolve("run"));
        TrainConfig cfg = config(dir, """
                servers:
                  policy: {count: 2}
                  request_timeout_seconds: 20
                  reload_timeout_seconds: 20
                filter: {accuracy: false}
                """, "{out: out, steps: 4, seed: 11, checkpoint_every: 4, eval_every: 0}", 1);
        List<AdapterRecorder> policy = new CopyOnWriteArrayList<>();
        List<String> wrongAdapter = new CopyOnWriteArrayList<>();
        AtomicReference<String> newest = new AtomicReference<>();
        AtomicReference<ServerSet> set = new AtomicReference<>();
        PrimeTraining.ServerStarter starter = c -> {
            ServerSet s = ServerSet.start(c, (role, i, modelDir) -> {
                AdapterRecorder m = new AdapterRecorder(DjlServingModel.load(modelDir, null), newest, wrongAdapter);
                policy.add(m);
                return m;
            });
            set.set(s);
            return s;
        };
        List<String> checks = new CopyOnWriteArrayList<>();
        AtomicReference<String> current = new AtomicReference<>();
        TrainingSummary summary = PrimeTraining.run(cfg, TinyRun.options(new ByteArrayOutputStream()).withOnStep(m -> {
            try {
                RolloutClient client = set.get().policy();
                String url1 = client.pool().servers().get(1);
                if (m.step() == 1) {
                    set.get().stopEmbedded("policy", 1);
                }
                if (m.step() == 2) {
                    checks.add("step 2 trained=" + m.trained());
                    checks.add("step 2 dead server holds " + client.pool().held(RolloutClient.LORA).get(url1));
                    current.set(AdapterPublisher.nameOf(2));
                    set.get().restartEmbedded("policy", 1); // same port, no adapters
                    long guard = System.nanoTime() + 30_000_000_000L; // a hang guard: the prober runs every 2 s
                    while (stale(client, url1) && System.nanoTime() < guard) {
                        Thread.sleep(20);
                    }
                    checks.add("restarted server rejoined=" + !stale(client, url1) + " holding "
                            + client.pool().held(RolloutClient.LORA).get(url1));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }), starter);

        assertEquals(4, summary.lastStep());
        assertThat(MetricsLog.read(dir.resolve("out/metrics.jsonl"))).extracting(l -> l.get("step").asInt())
                .containsExactly(1, 2, 3, 4);
        assertThat(checks).containsExactly("step 2 trained=true", "step 2 dead server holds null",
                "restarted server rejoined=true holding " + current.get());
        assertThat(wrongAdapter).isEmpty();
        assertThat(policy).hasSize(3); // two first starts (each also serving the reference) and the restart
        AdapterRecorder restarted = policy.get(2);
        assertThat(restarted.events).as("caught up first").first().isEqualTo("load " + current.get());
        int firstSample = restarted.events.indexOf(restarted.events.stream().filter(e -> e.startsWith("generate"))
                .findFirst().orElseThrow(() -> new AssertionError("never sampled again: " + restarted.events)));
        assertThat(firstSample).isPositive();
        assertThat(policy.get(0).events).contains("load " + AdapterPublisher.nameOf(4), "unload "
                + AdapterPublisher.nameOf(3));
    }

    private static boolean stale(RolloutClient client, String url) {
        return client.stats().stream().filter(s -> s.server().equals(url)).findFirst().orElseThrow().staleWeights();
    }

    /**
     * An embedded server's model that records adapter loads and rollouts, and every rollout that asks for an
     * adapter other than the newest one loaded anywhere in the fleet (a rollout routed to a stale server).
     */
    private static final class AdapterRecorder implements ServingModel {
        private final DjlServingModel delegate;
        private final AtomicReference<String> newest;
        private final List<String> wrongAdapter;
        final List<String> events = new CopyOnWriteArrayList<>();

        AdapterRecorder(DjlServingModel delegate, AtomicReference<String> newest, List<String> wrongAdapter) {
            this.delegate = delegate;
            this.newest = newest;
            this.wrongAdapter = wrongAdapter;
        }

        @Override
        public List<GeneratedSequence> generate(List<SequenceRequest> batch) {
            if (batch.stream().anyMatch(r -> r.params().maxTokens() > 1)) { // a rollout, not a scoring pass
                for (SequenceRequest r : batch) {
                    events.add("generate " + r.lora());
                    if (!java.util.Objects.equals(r.lora(), newest.get())) {
                        wrongAdapter.add("sampled " + r.lora() + " while the newest adapter is " + newest.get());
                    }
                }
            }
            return delegate.generate(batch);
        }

        @Override
        public void loadLora(String n, Path dir) throws IOException {
            events.add("load " + n);
            delegate.loadLora(n, dir);
            if (n.startsWith(AdapterPublisher.NAME_PREFIX)) {
                newest.accumulateAndGet(n, (a, b) -> a == null || step(b) > step(a) ? b : a);
            }
        }

        private static int step(String name) {
            return Integer.parseInt(name.substring(AdapterPublisher.NAME_PREFIX.length()));
        }

        @Override
        public void unloadLora(String n) {
            events.add("unload " + n);
            delegate.unloadLora(n);
        }

        @Override public void reloadWeights(Path dir) throws IOException { delegate.reloadWeights(dir); }
        @Override public int maxModelLen() { return delegate.maxModelLen(); }
        @Override public int vocabSize() { return delegate.vocabSize(); }
        @Override public Path modelPath() { return delegate.modelPath(); }
        @Override public int[] tokenize(String text, boolean special) { return delegate.tokenize(text, special); }
        @Override public int[] tokenizeChat(List<org.prime4j.model.tokenizer.ChatMessage> m, boolean gen,
                boolean special) {
            return delegate.tokenizeChat(m, gen, special);
        }
        @Override public String detokenize(int[] ids, boolean skip) { return delegate.detokenize(ids, skip); }
        @Override public String tokenText(int id) { return delegate.tokenText(id); }
        @Override public List<PromptScores> scorePrompts(List<ScoreRequest> batch) {
            return delegate.scorePrompts(batch);
        }
        @Override public void close() { delegate.close(); }
    }


    @Test
    void checkpointsHoldTheAdaptersAndTheirMomentsAndResumeContinuesIdentically(@TempDir Path tmp) throws Exception {
        String run = "{out: out, steps: 2, seed: 11, checkpoint_every: 1, eval_every: 0}";
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Path straightDir = runDir(tmp.resolve("straight"));
        PrimeTraining.run(config(straightDir, "", run), TinyRun.options(progress));
        List<JsonNode> lines = MetricsLog.read(straightDir.resolve("out/metrics.jsonl"));
        assertEquals(2, lines.size());

        Path ckpt = straightDir.resolve("out/checkpoints/step-1");
        for (String role : List.of("policy", "prm")) {
            assertTrue(Files.isRegularFile(ckpt.resolve(role + "-adapter/" + LoraConfig.FILE)), role);
            assertTrue(Files.isRegularFile(ckpt.resolve(role + "-adapter/" + LoraAdapter.WEIGHTS)), role);
            assertTrue(Files.notExists(ckpt.resolve(role)), "no full copy of the " + role + " in a LoRA checkpoint");
        }
        Checkpoint c = Checkpoint.load(ckpt);
        assertTrue(c.policy().optimizer().keySet().stream().allMatch(k -> k.contains("lora_")),
                "only adapter factors have AdamW moments: " + c.policy().optimizer().keySet());
        assertEquals(c.policy().weights().size() * 2, c.policy().optimizer().size());
        assertTrue(c.policy().steps() > 0 && c.prm().steps() > 0, "the moments were checkpointed after an update");
        assertEquals(4, c.policy().adapter().targetModules().size());
        assertEquals(7, c.prm().adapter().targetModules().size(), "the PRM's default: all projections");
        assertTrue(MetricsLog.JSON.readTree(ckpt.resolve("state.json").toFile()).path("lora").asBoolean());

        Path splitDir = runDir(tmp.resolve("split"));
        TrainConfig splitCfg = config(splitDir, "", run);
        PrimeTraining.run(splitCfg, TinyRun.options(progress).withSteps(1));
        TrainingSummary resumed = PrimeTraining.run(splitCfg, TinyRun.options(progress).withResume(true));
        assertEquals(1, resumed.firstStep());
        List<JsonNode> split = MetricsLog.read(splitDir.resolve("out/metrics.jsonl"));
        assertEquals(2, split.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(TinyRun.withoutTime(lines.get(i)), TinyRun.withoutTime(split.get(i)), "step " + (i + 1));
        }
        assertArrayEquals(Files.readAllBytes(straightDir.resolve("out/weights/step-2/" + LoraAdapter.WEIGHTS)),
                Files.readAllBytes(splitDir.resolve("out/weights/step-2/" + LoraAdapter.WEIGHTS)),
                "the resumed run ends with the same policy adapter, bit for bit");
        assertArrayEquals(Files.readAllBytes(straightDir.resolve("out/checkpoints/step-2/prm-adapter/"
                        + LoraAdapter.WEIGHTS)),
                Files.readAllBytes(splitDir.resolve("out/checkpoints/step-2/prm-adapter/" + LoraAdapter.WEIGHTS)),
                "and the same PRM adapter");
    }
}
