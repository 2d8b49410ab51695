package org.prime4j.orchestrator.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.orchestrator.train.LoraSettings;
import org.prime4j.orchestrator.config.TrainConfig;

/**
 * {@code run.async: true} end to end on the tiny model over two embedded servers: reproducible for a seed,
 * one step off-policy after the first step, and resumable mid-run as if it never stopped.
 */
@ExtendWith(OneIntraOpThread.class)
class AsyncTrainingTest {

    @TempDir static Path shared;

    @BeforeAll
    static void model() throws Exception {
        TinyRun.model(shared.resolve("sft"), 5);
    }

    private static Path runDir(Path dir) throws IOException {
        return TinyRun.runDir(dir, shared.resolve("sft"));
    }


    /** The loop tests' tiny config, with token_tis on: its ratio pi_old / pi_sampler shows which weights sampled. */
    private static TrainConfig config(Path dir, boolean async) throws Exception {
        TrainConfig c = TinyRun.config(dir, "");
        c = c.withRun(c.run().withAsync(async));
        return new TrainConfig(c.model(), c.servers(), c.data(), c.rollout(), c.filter(), c.prm(),
                c.policy().withIsCorrection(org.prime4j.orchestrator.train.IsCorrection.TOKEN_TIS, 2.0),
                c.advantage(), c.verifier(), c.run());
    }

    /** A metrics line without what differs between identical runs: timings and waits. */
    private static JsonNode withoutTimings(JsonNode line) {
        ObjectNode copy = line.deepCopy();
        copy.remove(List.of("time", "trainer_wait_seconds", "sampler_wait_seconds"));
        return copy;
    }

    @Test
    void stalenessAndWaitsAreRolloutScalars() {
        StepMetrics m = TensorBoardScalarsTest.trained().withOffPolicy(new OffPolicyStats(1, 0.5, 0.25), 6.0);
        Map<String, Double> tags = TensorBoardScalars.of(m);
        assertEquals(1.0, tags.get("rollout/staleness"));
        assertEquals(0.5, tags.get("rollout/trainer_wait_seconds"));
        assertEquals(0.25, tags.get("rollout/sampler_wait_seconds"));
        assertEquals(6.0, tags.get("time/total"));
        assertFalse(TensorBoardScalars.of(TensorBoardScalarsTest.trained()).containsKey("rollout/staleness"),
                "a synchronous step has none");
    }

    @Test
    void asyncRunsAreReproducibleOneStepStaleAndResumeExactly(@TempDir Path tmp) throws Exception {
        Path aDir = runDir(tmp.resolve("a"));
        TrainingSummary a = PrimeTraining.run(config(aDir, true), TinyRun.options());
        assertEquals(3, a.lastStep());
        List<JsonNode> lines = MetricsLog.read(aDir.resolve("out/metrics.jsonl"));
        assertEquals(3, lines.size());
        for (JsonNode m : lines) {
            int step = m.get("step").asInt();
            assertEquals(step == 1 ? 0 : 1, m.get("staleness").asInt(), "staleness: " + m);
            assertEquals(2, m.get("kept_prompts").asInt(), m.toString());
            if (step < 3) {
                assertTrue(m.get("trainer_wait_seconds").asDouble() >= 0, m.toString());
                assertTrue(m.get("sampler_wait_seconds").asDouble() >= 0, m.toString());
            } else {
                assertTrue(m.get("trainer_wait_seconds").isNull(), "nothing sampled ahead of the last step: " + m);
            }
        }
        assertTrue(lines.get(2).get("eval_accuracy").asDouble(-1) >= 0, "eval_every 3 still evaluates");

        // Stopped after step 2 (checkpoint_every 2; step 3's rollouts were never started or are dropped), resumed.
        Path splitDir = runDir(tmp.resolve("split"));
        PrimeTraining.run(config(splitDir, true), TinyRun.options().withSteps(2));
        // A second run with the same seed: the same steps, number for number (run b of the issue).
        List<JsonNode> again = MetricsLog.read(splitDir.resolve("out/metrics.jsonl"));
        assertEquals(2, again.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(withoutTimings(lines.get(i)), withoutTimings(again.get(i)), "step " + (i + 1));
        }
        assertArrayEquals(Files.readAllBytes(aDir.resolve("out/weights/step-2/model.safetensors")),
                Files.readAllBytes(splitDir.resolve("out/weights/step-2/model.safetensors")));
        assertTrue(Files.isDirectory(splitDir.resolve("out/checkpoints/step-2/sampler")),
                "step 3 is sampled by step 1's weights, kept with the checkpoint");
        TrainingSummary resumed = PrimeTraining.run(config(splitDir, true), TinyRun.options().withResume(true));
        assertEquals(2, resumed.firstStep());
        List<JsonNode> split = MetricsLog.read(splitDir.resolve("out/metrics.jsonl"));
        assertEquals(3, split.size(), "no step trained twice or skipped");
        for (int i = 0; i < 3; i++) {
            assertEquals(withoutTimings(lines.get(i)), withoutTimings(split.get(i)), "step " + (i + 1));
        }
        assertArrayEquals(Files.readAllBytes(aDir.resolve("out/weights/step-3/model.safetensors")),
                Files.readAllBytes(splitDir.resolve("out/weights/step-3/model.safetensors")),
                "the resumed async run ends with the same policy, bit for bit");

        // Against a synchronous run: step 1 is the same step; step 2 trains on samples of the initial model,
        // so the ratio pi_old / pi_sampler moves off 1 where the synchronous run's stays at 1.
        Path syncDir = runDir(tmp.resolve("sync"));
        PrimeTraining.run(config(syncDir, false), TinyRun.options().withSteps(2));
        List<JsonNode> sync = MetricsLog.read(syncDir.resolve("out/metrics.jsonl"));
        ObjectNode s1 = (ObjectNode) withoutTimings(sync.get(0));
        ObjectNode a1 = (ObjectNode) withoutTimings(lines.get(0));
        assertEquals(0, a1.remove("staleness").asInt());
        assertTrue(s1.remove("staleness").isNull());
        assertEquals(s1, a1, "the first async step is a synchronous one");
        assertTrue(sync.get(1).get("staleness").isNull(), "a synchronous run has no staleness to report");
        assertTrue(sync.get(1).get("trainer_wait_seconds").isNull());
        double syncOff = Math.abs(sync.get(1).get("is_ratio_mean").asDouble() - 1);
        double asyncOff = Math.abs(lines.get(1).get("is_ratio_mean").asDouble() - 1);
        assertTrue(syncOff < 1e-3, "synchronous: trainer and sampler agree: " + sync.get(1));
        assertTrue(asyncOff > 10 * syncOff && asyncOff > 1e-3,
                "async step 2 trains on step 0's samples: sync " + syncOff + " async " + asyncOff);
    }

    /**
     * LoRA, one step off-policy: the sampler's adapter is kept with the checkpoint and loaded again under its own
     * name at resume, so the resumed run redoes step 3's rollouts with step 1's adapter and ends where the
     * uninterrupted one does, bit for bit.
     */
    @Test
    void asyncLoraRunsKeepTheSamplersAdapterAndResumeExactly(@TempDir Path tmp) throws Exception {
        Path aDir = runDir(tmp.resolve("a"));
        PrimeTraining.run(loraConfig(aDir), TinyRun.options());
        List<JsonNode> lines = MetricsLog.read(aDir.resolve("out/metrics.jsonl"));
        assertEquals(List.of(0, 1, 1), lines.stream().map(m -> m.get("staleness").asInt()).toList());

        Path splitDir = runDir(tmp.resolve("split"));
        PrimeTraining.run(loraConfig(splitDir), TinyRun.options().withSteps(2));
        Path sampler = splitDir.resolve("out/checkpoints/step-2/sampler");
        assertTrue(Files.isRegularFile(sampler.resolve(org.prime4j.model.lora.LoraConfig.FILE)),
                "step 3 is sampled by step 1's adapter, kept with the checkpoint");
        assertArrayEquals(Files.readAllBytes(splitDir.resolve("out/weights/step-1/" + LoraAdapter.WEIGHTS)),
                Files.readAllBytes(sampler.resolve(LoraAdapter.WEIGHTS)));
        PrimeTraining.run(loraConfig(splitDir), TinyRun.options().withResume(true));
        List<JsonNode> split = MetricsLog.read(splitDir.resolve("out/metrics.jsonl"));
        assertEquals(3, split.size(), "no step trained twice or skipped");
        for (int i = 0; i < 3; i++) {
            assertEquals(withoutTimings(lines.get(i)), withoutTimings(split.get(i)), "step " + (i + 1));
        }
        assertArrayEquals(Files.readAllBytes(aDir.resolve("out/weights/step-3/" + LoraAdapter.WEIGHTS)),
                Files.readAllBytes(splitDir.resolve("out/weights/step-3/" + LoraAdapter.WEIGHTS)),
                "the resumed async LoRA run ends with the same adapter, bit for bit");
    }

    private static TrainConfig loraConfig(Path dir) throws Exception {
        TrainConfig c = config(dir, true);
        LoraSettings lora = new LoraSettings(4, 8.0, null, null);
        return new TrainConfig(c.model(), c.servers(), c.data(), c.rollout(), c.filter(), c.prm().withLora(lora),
                c.policy().withLora(lora), c.advantage(), c.verifier(), c.run());
    }
}
