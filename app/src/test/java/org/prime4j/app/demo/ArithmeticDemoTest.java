package org.prime4j.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.orchestrator.arithmetic.ArithmeticData;
import org.prime4j.orchestrator.arithmetic.ArithmeticModel;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.train.PrmUpdate;

/** The demo's wiring on a tiny random model: one PRIME step over the embedded servers, then the reports. */
class ArithmeticDemoTest {

    private static Path example(Path dir) throws Exception {
        ArithmeticData.writeAll(dir, 11, 4, 8, 1);
        ArithmeticModel.createRandom(dir.resolve("sft"), ArithmeticModel.config(1, 16, 2), 2);
        Path yaml = dir.resolve("demo.yaml");
        Files.writeString(yaml, """
                model: {policy: sft}
                data: {train: train.jsonl, eval: heldout.jsonl, eval_limit: 2}
                rollout: {k: 2, prompts_per_step: 2, max_tokens: 6, request_batch_size: 4}
                filter: {accuracy: false}
                prm: {lr: 1.0e-3, micro_batch: 4}
                policy: {lr: 1.0e-3, mini_batch: 4, micro_batch: 4}
                run: {out: runs/demo, steps: 40, checkpoint_every: 0, eval_every: 1}
                """);
        return yaml;
    }

    @Test
    void oneStepWritesMetricsPlotAndSummary(@TempDir Path dir) throws Exception {
        Path yaml = example(dir);
        Path out = dir.resolve("run");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DemoResult r = ArithmeticDemo.run(new DemoOptions(yaml, out, 1, 3L, false, 0, new PrintStream(log, true)));
        assertEquals(1, r.training().lastStep());
        assertEquals(4, r.before().total());
        assertEquals(4, r.after().total());
        assertEquals(1, Files.readAllLines(r.metrics()).size());
        assertTrue(Files.size(r.plot()) > 1000, "plot.png is empty");
        String summary = Files.readString(r.summary());
        assertTrue(summary.contains("held-out greedy accuracy before") && summary.contains("| 1 |"), summary);
        assertTrue(log.toString().contains("before RL") && log.toString().contains("after RL"), log.toString());
    }

    @Test
    void outcomeOnlyIsThePapersBaseline(@TempDir Path dir) throws Exception {
        Path yaml = example(dir);
        TrainConfig c = ArithmeticDemo.config(new DemoOptions(yaml, null, 5, 9L, true, 0, null));
        assertEquals(0.0, c.advantage().processCoef());
        assertEquals(PrmUpdate.NONE, c.prm().update());
        assertEquals(5, c.run().steps());
        assertEquals(9L, c.run().seed());
        assertTrue(c.run().out().getFileName().toString().matches("demo-\\d{8}-\\d{6}-outcome-only"),
                c.run().out().toString());
        TrainConfig full = ArithmeticDemo.config(new DemoOptions(yaml, null, null, null, false, 0, null));
        assertEquals(5.0, full.advantage().processCoef());
        assertEquals(40, full.run().steps());
        assertEquals(List.of(dir.resolve("sft").toAbsolutePath()), List.of(full.model().policy()));
    }
}
