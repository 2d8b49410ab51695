package org.prime4j.orchestrator.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.orchestrator.metrics.EventFile;

/**
 * Which tags a step gets. {@code java-written.tfevents} is what this writer makes of {@link #trained()} and
 * {@link #untrained()}; {@code src/test/python/tfevents.py expect} checked it against the hand-written
 * {@code java-expected.json} (tags, steps, float32 values, both CRCs). The test keeps the file current: a change
 * of tags or bytes fails here, and the new file must be checked with the Python reader again (see the README
 * next to the fixtures).
 */
class TensorBoardScalarsTest {

    static StepMetrics trained() {
        return new StepMetrics(7, 2,
                new RolloutStats(0.375, 3, 2, 0.3333333333333333, 1, 0.125, 0, 1, 5.5, 6), 0.5,
                new PrmStats(0.6931471805599453, 0.75, 1.5), new Spread(0.01, 0.02, -0.05, 0.04),
                new Spread(0.0, 1.0, -1.5, 2.25),
                new PolicyStats(-0.125, 0.001, 0.0625, 0.8, 5.25, Double.NaN, 1e-6, 3e-6), 0.6666666666666666,
                Map.of("rollout", 1.5, "verify", 0.25, "ref", 0.5, "prm", 0.75, "advantage", 0.01, "policy", 2.0,
                        "publish", 0.3, "eval", 0.4, "total", 5.71));
    }

    static StepMetrics untrained() {
        return StepMetrics.untrained(8, 2, new RolloutStats(0.0, 6, 0, 1.0, 4, 0.0, 2, 0, 6.0, 6),
                Map.of("rollout", 3.0, "verify", 0.5, "total", 3.5));
    }

    @Test
    void writesTheCheckedGoldenFile(@TempDir Path dir) throws IOException {
        Iterator<Double> clock = List.of(1750000000.0, 1750000060.5, 1750000090.25).iterator();
        Path written;
        try (EventFile f = EventFile.create(dir, clock::next, "golden")) {
            f.scalars(7, TensorBoardScalars.of(trained()));
            f.scalars(8, TensorBoardScalars.of(untrained()));
            written = f.path();
        }
        byte[] actual = Files.readAllBytes(written);
        byte[] golden;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/tensorboard/java-written.tfevents")) {
            golden = in.readAllBytes();
        }
        if (!java.util.Arrays.equals(golden, actual)) {
            Path fresh = Path.of("target/java-written.tfevents");
            Files.write(fresh, actual);
            assertArrayEquals(golden, actual, "the event file changed: check " + fresh.toAbsolutePath()
                    + " with src/test/python/tfevents.py expect (against java-expected.json), then replace the"
                    + " fixture");
        }
    }

    @Test
    void everyNumberOfTheMetricsLineIsATagInItsPhase() {
        for (StepMetrics m : List.of(trained(), untrained())) {
            JsonNode line = MetricsLog.JSON.valueToTree(m);
            Map<String, Double> tags = TensorBoardScalars.of(m);
            int numbers = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = line.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getValue().isNumber() && !f.getKey().equals("step")) {
                    numbers++;
                    assertTrue(tags.entrySet().stream().anyMatch(t -> t.getKey().endsWith("/" + f.getKey())
                                    || t.getKey().endsWith("/" + f.getKey().replaceFirst("^(prm|policy)_", ""))
                                    || t.getKey().equals("eval/accuracy") && f.getKey().equals("eval_accuracy")),
                            f.getKey() + " has no tag: " + tags.keySet());
                }
            }
            numbers += line.get("time").size();
            assertEquals(numbers, tags.size(), "one tag per number: " + new TreeMap<>(tags));
            for (String tag : tags.keySet()) {
                assertTrue(tag.matches("(rollout|prm|policy|time|eval)/[a-z_]+"), tag);
            }
        }
        assertFalse(TensorBoardScalars.of(trained()).containsKey("policy/kl_to_reference"), "NaN is left out");
        assertEquals(1e-6, TensorBoardScalars.of(trained()).get("policy/mismatch_mean"));
        assertEquals(0.01, TensorBoardScalars.of(trained()).get("prm/process_reward_mean"));
        assertEquals(2.25, TensorBoardScalars.of(trained()).get("policy/advantage_max"));
        assertEquals(0.6931471805599453, TensorBoardScalars.of(trained()).get("prm/loss"));
        assertEquals(-0.125, TensorBoardScalars.of(trained()).get("policy/loss"));
    }
}
