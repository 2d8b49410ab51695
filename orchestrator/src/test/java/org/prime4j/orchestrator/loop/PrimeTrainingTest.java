package org.prime4j.orchestrator.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.orchestrator.config.RunSection;
import org.prime4j.orchestrator.config.TrainConfig;

/** The PRIME loop end to end on a tiny random model, over two embedded servers on loopback. */
@ExtendWith(OneIntraOpThread.class)
class PrimeTrainingTest {

    @TempDir static Path shared;

    @BeforeAll
    static void model() throws Exception {
        TinyRun.model(shared.resolve("sft"), 5);
    }

    private static Path runDir(Path dir) throws IOException {
        return TinyRun.runDir(dir, shared.resolve("sft"));
    }


    @Test
    void stepsWriteMetricsPublishWeightsAndResumeExactly(@TempDir Path tmp) throws Exception {
        Path straightDir = runDir(tmp.resolve("straight"));
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        TrainConfig cfg = TinyRun.config(straightDir, "");
        TrainingSummary straight = PrimeTraining.run(cfg, TinyRun.options(progress));

        assertEquals(0, straight.firstStep());
        assertEquals(3, straight.lastStep());
        assertFalse(straight.interrupted());
        List<JsonNode> lines = MetricsLog.read(straightDir.resolve("out/metrics.jsonl"));
        assertEquals(3, lines.size());
        for (int i = 0; i < 3; i++) {
            JsonNode m = lines.get(i);
            assertEquals(i + 1, m.get("step").asInt());
            assertTrue(m.get("kept_prompts").asInt() >= 1, m.toString());
            assertEquals(2, m.get("kept_prompts").asInt(), "parity leaves enough mixed groups: " + m);
            double acc = m.get("accuracy").asDouble();
            assertTrue(acc > 0 && acc < 1, m.toString());
            assertTrue(m.get("prm_loss").asDouble() > 0, m.toString());
            assertTrue(m.get("response_length_mean").asDouble() >= 1, m.toString());
            assertTrue(m.get("advantage_std").asDouble() > 0.5, "advantages are whitened: " + m);
            assertTrue(m.get("mismatch_mean").asDouble() < 1e-3,
                    "the trainer and the embedded server compute the same log-probs: " + m);
            for (String phase : List.of("rollout", "verify", "ref", "prm", "policy", "publish", "total")) {
                assertTrue(m.get("time").get(phase).asDouble() >= 0, phase + " timed: " + m);
            }
        }
        for (JsonNode m : lines) {
            double clip = m.get("clip_fraction").asDouble();
            assertTrue(clip >= 0 && clip <= 1, m.toString());
            assertTrue(Math.abs(m.get("approx_kl").asDouble()) < 1, m.toString());
        }
        assertTrue(lines.get(0).get("eval_accuracy").isNull(), "no held-out evaluation at step 1");
        double eval = lines.get(2).get("eval_accuracy").asDouble(-1);
        assertTrue(eval >= 0 && eval <= 1, "held-out greedy accuracy at step 3 (eval_every 3): " + lines.get(2));
        assertTrue(lines.get(2).get("time").get("eval").asDouble() > 0);
        String err = progress.toString(StandardCharsets.UTF_8);
        assertTrue(err.contains("step 1/3  acc "), err);
        assertTrue(err.contains("checkpoint step-2"), err);

        Path weights = straightDir.resolve("out/weights");
        try (Stream<Path> dirs = Files.list(weights)) {
            assertEquals(List.of("step-2", "step-3"), dirs.map(p -> p.getFileName().toString()).sorted().toList(),
                    "only the last two published policies are kept");
        }
        assertEquals(weights.resolve("step-3"), straight.policyWeights());
        assertTrue(Files.isRegularFile(weights.resolve("step-3/tokenizer.json")), "a published policy is servable");
        assertEquals(straightDir.resolve("out/checkpoints/step-3"), straight.lastCheckpoint());
        assertTrue(Files.isRegularFile(straightDir.resolve("out/checkpoints/step-2/state.json")));

        // The same run in two calls: 2 steps (checkpoint at step 2), then --resume to step 3.
        Path splitDir = runDir(tmp.resolve("split"));
        TrainConfig splitCfg = TinyRun.config(splitDir, "");
        TrainingSummary first = PrimeTraining.run(splitCfg, TinyRun.options(progress).withSteps(2));
        assertEquals(2, first.lastStep());
        TrainingSummary resumed = PrimeTraining.run(splitCfg, TinyRun.options(progress).withResume(true));
        assertEquals(2, resumed.firstStep());
        assertEquals(3, resumed.lastStep());
        List<JsonNode> split = MetricsLog.read(splitDir.resolve("out/metrics.jsonl"));
        assertEquals(3, split.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(TinyRun.withoutTime(lines.get(i)), TinyRun.withoutTime(split.get(i)), "step " + (i + 1));
        }
        assertArrayEquals(Files.readAllBytes(weights.resolve("step-3/model.safetensors")),
                Files.readAllBytes(splitDir.resolve("out/weights/step-3/model.safetensors")),
                "the resumed run ends with the same policy, bit for bit");

        IllegalStateException again = assertThrows(IllegalStateException.class,
                () -> PrimeTraining.run(splitCfg, TinyRun.options(progress)));
        assertTrue(again.getMessage().contains("--resume"), again.getMessage());
    }

    @Test
    void aStopRequestFinishesTheStepCheckpointsItAndResumeContinues(@TempDir Path tmp) throws Exception {
        Path dir = runDir(tmp.resolve("stop"));
        TrainConfig cfg = TinyRun.config(dir, "");
        AtomicBoolean stop = new AtomicBoolean();
        RunOptions stopping = new RunOptions(false, null, null, null, null, List.of(new TinyRun.Parity()),
                m -> stop.set(true), stop, false, null);
        TrainingSummary s = PrimeTraining.run(cfg, stopping);
        assertTrue(s.interrupted());
        assertEquals(1, s.lastStep());
        assertEquals(dir.resolve("out/checkpoints/step-1"), s.lastCheckpoint(),
                "a stop between checkpoints still checkpoints the finished step");
        assertEquals(1, MetricsLog.read(dir.resolve("out/metrics.jsonl")).size());

        RunSection r = cfg.run();
        TrainConfig keepOne = cfg.withRun(new RunSection(r.out(), r.steps(), r.seed(), r.checkpointEvery(),
                r.evalEvery(), r.publishDtype(), 1));
        TrainingSummary rest = PrimeTraining.run(keepOne, TinyRun.options(new ByteArrayOutputStream()).withResume(true));
        assertEquals(1, rest.firstStep());
        assertEquals(3, rest.lastStep());
        assertFalse(rest.interrupted());
        assertEquals(3, MetricsLog.read(dir.resolve("out/metrics.jsonl")).size());
        try (Stream<Path> dirs = Files.list(dir.resolve("out/checkpoints"))) {
            assertEquals(List.of("step-3"), dirs.map(p -> p.getFileName().toString()).toList(),
                    "run.keep_checkpoints: 1 keeps the newest only");
        }
    }

    @Test
    void aResumePastATruncatedNewestCheckpointContinuesFromThePreviousOne(@TempDir Path tmp) throws Exception {
        Path dir = runDir(tmp.resolve("fallback"));
        TrainConfig base = TinyRun.config(dir, "");
        RunSection r = base.run();
        TrainConfig cfg = base.withRun(new RunSection(r.out(), 2, r.seed(), 1, 0, r.publishDtype(), 0, false));
        PrimeTraining.run(cfg, TinyRun.options(new ByteArrayOutputStream()));
        List<JsonNode> straight = MetricsLog.read(dir.resolve("out/metrics.jsonl"));
        assertEquals(2, straight.size());

        Path weights = dir.resolve("out/checkpoints/step-2/prm/model.safetensors");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        TrainingSummary resumed = PrimeTraining.run(cfg, TinyRun.options(progress).withResume(true));
        String log = progress.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("WARN checkpoint " + weights.getParent().getParent() + " is unusable: "
                + "prm/model.safetensors has "), log);
        assertTrue(log.contains("(truncated); falling back to step-1"), log);
        assertEquals(1, resumed.firstStep(), "resumed from step-1, the newest complete checkpoint");
        assertEquals(2, resumed.lastStep());
        List<JsonNode> again = MetricsLog.read(dir.resolve("out/metrics.jsonl"));
        assertEquals(2, again.size(), "step 2's line from the first run is replaced, not repeated");
        assertEquals(TinyRun.withoutTime(straight.get(1)), TinyRun.withoutTime(again.get(1)), "step 2 is trained again exactly");
        assertNotNull(Checkpoint.newestUsable(dir.resolve("out/checkpoints"), w -> {
            throw new AssertionError("the rewritten step-2 is complete: " + w);
        }).orElseThrow());
    }

    @Test
    void evalEveryZeroNeverEvaluatesEvenWithAnEvalSet(@TempDir Path tmp) throws Exception {
        Path dir = runDir(tmp.resolve("noeval"));
        TinyRun.config(dir, "");
        Path yaml = dir.resolve("run.yaml");
        String text = Files.readString(yaml);
        assertTrue(text.contains("eval_every: 3"), text);
        Files.writeString(yaml, text.replace("eval_every: 3", "eval_every: 0"));
        TrainConfig cfg = org.prime4j.orchestrator.config.TrainConfigReader.read(yaml);
        TrainingSummary s = PrimeTraining.run(cfg, TinyRun.options(new ByteArrayOutputStream()).withSteps(1));
        assertEquals(1, s.lastStep());
        JsonNode m = MetricsLog.read(dir.resolve("out/metrics.jsonl")).get(0);
        assertTrue(m.get("eval_accuracy") == null || m.get("eval_accuracy").isNull(), m.toString());
    }

    @Test
    void whenNoGroupPassesTheFilterTheStepRefillsThenRecordsItWithoutAnUpdate(@TempDir Path tmp) throws Exception {
        Path dir = runDir(tmp.resolve("zero"));
        TinyRun.prompts(dir.resolve("train.jsonl"), 5, "zero");
        TrainConfig cfg = TinyRun.config(dir, "");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        TrainingSummary s = PrimeTraining.run(cfg, TinyRun.options(progress).withSteps(1)
                .withExtraVerifiers(List.of(new TinyRun.Zero())));
        JsonNode m = MetricsLog.read(dir.resolve("out/metrics.jsonl")).get(0);
        assertEquals(0, m.get("kept_prompts").asInt());
        assertEquals(4, m.get("refills").asInt(), "max_refills further draws: " + m);
        assertEquals(20, m.get("sampled_prompts").asInt(), "5 draws of 2 x oversampling 2.0: " + m);
        assertEquals(3, m.get("epoch").asInt(), "20 draws from 5 prompts used up epochs 0..3: " + m);
        assertEquals(0.0, m.get("accuracy").asDouble());
        assertEquals(1.0, m.get("filtered_fraction").asDouble());
        assertTrue(m.get("prm_loss").isNull() && m.get("policy_loss").isNull(), m.toString());
        assertEquals(null, s.policyWeights(), "nothing was published");
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("no prompt passed the filter: no update"));
    }

    @Test
    void aBrokenVerifierStopsTheStepNamingStepAndPhaseAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path dir = runDir(tmp.resolve("broken"));
        TinyRun.prompts(dir.resolve("train.jsonl"), 4, "broken");
        TrainConfig cfg = TinyRun.config(dir, "");
        TrainingException e = assertThrows(TrainingException.class, () -> PrimeTraining.run(cfg,
                TinyRun.options(new ByteArrayOutputStream()).withExtraVerifiers(List.of(new TinyRun.Broken()))));
        assertEquals(1, e.step());
        assertEquals(Phase.VERIFY, e.phase());
        assertTrue(e.getMessage().startsWith("step 1, verify: "), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out/checkpoints/step-1")));
        assertEquals(0, MetricsLog.read(dir.resolve("out/metrics.jsonl")).size());
    }

    @Test
    void aDeadReferenceServerFailsTheRefPhase(@TempDir Path tmp) throws Exception {
        Path dir = runDir(tmp.resolve("dead"));
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TrainConfig cfg = TinyRun.config(dir, """
                servers:
                  reference: {mode: remote, base_urls: ["http://127.0.0.1:%d"]}
                  request_timeout_seconds: 3
                """.formatted(port));
        TrainingException e = assertThrows(TrainingException.class,
                () -> PrimeTraining.run(cfg, TinyRun.options(new ByteArrayOutputStream())));
        assertEquals(1, e.step());
        assertEquals(Phase.REF, e.phase(), e.getMessage());
        assertNotNull(e.getCause());
    }

    @Test
    void unknownAbilityIsReportedBeforeAnyServerStarts(@TempDir Path tmp) throws Exception {
        Path dir = runDir(tmp.resolve("unknown"));
        TinyRun.prompts(dir.resolve("train.jsonl"), 3, "astrology");
        TrainConfig cfg = TinyRun.config(dir, "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrimeTraining.run(cfg, TinyRun.options(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("train.jsonl:1: ability 'astrology' has no verifier"), e.getMessage());
    }
}
