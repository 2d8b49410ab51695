package org.prime4j.orchestrator.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.metrics.EventFile;
import org.prime4j.orchestrator.metrics.proto.Event;
import org.prime4j.orchestrator.metrics.proto.Summary;

/** A tiny PRIME run leaves TensorBoard event files next to metrics.jsonl: the same steps, every number a tag. */
@ExtendWith(OneIntraOpThread.class)
class TensorBoardTrainingTest {

    @TempDir static Path shared;

    @BeforeAll
    static void model() throws Exception {
        TinyRun.model(shared.resolve("sft"), 5);
    }


    private static Map<String, Float> values(Event e) {
        return e.getSummary().getValueList().stream()
                .collect(Collectors.toMap(Summary.Value::getTag, Summary.Value::getSimpleValue, (a, b) -> {
                    throw new AssertionError("a tag twice in step " + e.getStep());
                }, TreeMap::new));
    }

    private static Map<String, Float> expected(StepMetrics m) {
        Map<String, Float> out = new TreeMap<>();
        TensorBoardScalars.of(m).forEach((k, v) -> out.put(k, v.floatValue()));
        return out;
    }

    @Test
    void twoStepsThenAResumeLeaveEventFilesWithEveryMetric(@TempDir Path tmp) throws Exception {
        TinyRun.runDir(tmp, shared.resolve("sft"));
        TrainConfig cfg = TinyRun.config(tmp, ""); // steps 3, checkpoint_every 2, eval_every 3
        Path board = tmp.resolve("out/tensorboard");

        TrainingSummary two = PrimeTraining.run(cfg, TinyRun.options().withSteps(2));
        assertEquals(2, two.lastStep());
        List<Path> files = EventFile.list(board);
        assertEquals(1, files.size(), files.toString());
        assertTrue(files.get(0).getFileName().toString().startsWith("events.out.tfevents."), files.toString());
        List<Event> events = EventFile.read(files.get(0));
        assertEquals(List.of(0L, 1L, 2L), events.stream().map(Event::getStep).toList());
        assertEquals(EventFile.FILE_VERSION, events.get(0).getFileVersion());
        for (int i = 1; i <= 2; i++) {
            Map<String, Float> tags = values(events.get(i));
            assertEquals(expected(two.steps().get(i - 1)), tags, "step " + i);
            for (String tag : List.of("rollout/accuracy", "rollout/kept_prompts", "rollout/response_length_mean",
                    "prm/loss", "prm/pairwise_accuracy", "prm/process_reward_mean", "policy/loss",
                    "policy/approx_kl", "policy/advantage_std", "time/rollout", "time/policy", "time/total")) {
                assertTrue(tags.containsKey(tag), tag + " missing: " + tags.keySet());
            }
            assertFalse(tags.containsKey("eval/accuracy"), "no evaluation before step 3");
            assertTrue(events.get(i).getWallTime() >= events.get(i - 1).getWallTime());
        }
        float accuracy = (float) MetricsLog.read(tmp.resolve("out/metrics.jsonl")).get(1).get("accuracy").asDouble();
        assertEquals(accuracy, values(events.get(2)).get("rollout/accuracy"), "the same numbers as metrics.jsonl");

        TrainingSummary resumed = PrimeTraining.run(cfg, TinyRun.options().withResume(true));
        assertEquals(3, resumed.lastStep());
        files = EventFile.list(board);
        assertEquals(2, files.size(), "a resumed run writes a new event file: " + files);
        assertEquals(events, EventFile.read(files.get(0)), "the first run's file is left as it was");
        List<Event> more = EventFile.read(files.get(1));
        assertEquals(List.of(0L, 3L), more.stream().map(Event::getStep).toList());
        assertEquals(expected(resumed.steps().get(0)), values(more.get(1)));
        Map<String, Map<Long, Float>> all = EventFile.scalars(board);
        assertEquals(List.of(1L, 2L, 3L), List.copyOf(all.get("rollout/accuracy").keySet()));
        assertEquals(List.of(3L), List.copyOf(all.get("eval/accuracy").keySet()), "eval_every 3");
    }

    @Test
    void tensorboardFalseWritesNoEventFiles(@TempDir Path tmp) throws Exception {
        TinyRun.runDir(tmp, shared.resolve("sft"));
        TrainConfig cfg = TinyRun.config(tmp, "");
        cfg = cfg.withRun(cfg.run().withTensorboard(false));
        PrimeTraining.run(cfg, TinyRun.options().withSteps(1));
        assertEquals(1, MetricsLog.read(tmp.resolve("out/metrics.jsonl")).size());
        assertFalse(Files.exists(tmp.resolve("out/tensorboard")), "run.tensorboard: false");
    }
}
