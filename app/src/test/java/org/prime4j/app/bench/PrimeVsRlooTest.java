package org.prime4j.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.orchestrator.arithmetic.ArithmeticData;
import org.prime4j.orchestrator.arithmetic.ArithmeticModel;
import org.prime4j.orchestrator.loop.PolicyStats;
import org.prime4j.orchestrator.loop.PrmStats;
import org.prime4j.orchestrator.loop.RolloutStats;
import org.prime4j.orchestrator.loop.Spread;
import org.prime4j.orchestrator.loop.StepMetrics;

class PrimeVsRlooTest {

    private static StepMetrics step(int step, double reward, double heldOut, double seconds) {
        return new StepMetrics(step, 0, new RolloutStats(reward, 4, 2, 0.5, 0, 0, 0, 0, 20, 30), reward, PrmStats.NONE,
                Spread.NONE, Spread.NONE, PolicyStats.NONE, heldOut,
                Double.isNaN(heldOut) ? Map.of("total", seconds) : Map.of("total", seconds + 1, "eval", 1.0));
    }

    private static List<StepMetrics> run(double[] rewards, double lastHeldOut, double seconds) {
        List<StepMetrics> out = new ArrayList<>();
        for (int i = 0; i < rewards.length; i++) {
            out.add(step(i + 1, rewards[i], i == rewards.length - 1 ? lastHeldOut : Double.NaN, seconds));
        }
        return out;
    }

    @Test
    void curvesAndThePapersFiguresByHand() {
        MethodCurves prime = MethodCurves.of("PRIME", List.of(run(new double[] {0.1, 0.3, 0.5, 0.5}, 0.4, 3),
                run(new double[] {0.3, 0.5, 0.5, 0.7}, 0.6, 5)));
        MethodCurves rloo = MethodCurves.of("RLOO", List.of(run(new double[] {0.1, 0.2, 0.3, 0.4}, 0.3, 2)));
        // seed means 0.2, 0.4, 0.5, 0.6; band of step 1: [0.1, 0.3]
        assertThat(prime.trainReward().mean()[0]).isCloseTo(0.2, within(1e-12));
        assertThat(prime.trainReward().min()[0]).isEqualTo(0.1);
        assertThat(prime.trainReward().max()[0]).isEqualTo(0.3);
        // RLOO's final reward over 2 steps: 0.35; PRIME's windowed means 0.2, 0.3, 0.45 -> step 3
        double target = rloo.finalTrainReward(2);
        assertThat(target).isCloseTo(0.35, within(1e-12));
        assertThat(prime.stepsToReach(target, 2)).isEqualTo(3);
        assertThat(prime.stepsToReach(0.9, 2)).isEqualTo(-1);
        assertThat(prime.finalHeldOut()).containsExactly(0.5, 0.4, 0.6);
        assertThat(prime.heldOut().mean()[0]).isNaN();
        // eval seconds are left out: 3 and 5 per step
        assertThat(prime.secondsPerStep()).isEqualTo(4.0);
        assertThat(rloo.secondsPerStep()).isEqualTo(2.0);
        assertThatThrownBy(() -> MethodCurves.of("x", List.of(run(new double[] {1}, 0, 1), run(new double[] {1, 1}, 0, 1))))
                .hasMessageContaining("runs of 1 and 2 steps");
    }

    @Test
    void bothMethodsRunOnATinySetting(@TempDir Path dir) throws Exception {
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
                run: {out: runs/demo, steps: 40, checkpoint_every: 0, eval_every: 10}
                """);
        Path out = dir.resolve("cmp");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrimeVsRloo.Result r = PrimeVsRloo.run(new PrimeVsRloo.Options(yaml, List.of(5L), 2, 1, 1, out),
                new PrintStream(log, true));
        assertThat(r.runs()).containsOnlyKeys("prime-seed5", "rloo-seed5");
        assertThat(r.prime().steps()).containsExactly(1, 2);
        assertThat(r.rloo().heldOut().mean()[1]).isBetween(0.0, 1.0);
        assertThat(Files.readAllLines(out.resolve("rloo-seed5/metrics.jsonl"))).hasSize(2);
        JsonNode json = PrmProbe.JSON.readTree(out.resolve("prime-vs-rloo.json").toFile());
        assertThat(json.get("prime").get("train_reward").get("mean")).hasSize(2);
        assertThat(Files.size(out.resolve("prime-vs-rloo.png"))).isGreaterThan(1000);
        assertThat(Files.readString(out.resolve("summary.md"))).contains("| PRIME | 1 |", "| RLOO (c_p = 0) | 1 |");
        // the baseline trains no PRM: its PRM metrics are null in every line
        assertThat(PrmProbe.JSON.readTree(Files.readAllLines(out.resolve("rloo-seed5/metrics.jsonl")).get(0))
                .get("prm_grad_norm").isNull()).isTrue();
        assertThatThrownBy(() -> new PrimeVsRloo.Options(yaml, List.of(1L), 5, 2, 1, out))
                .hasMessageContaining("--eval-every 2 must divide --steps 5");
    }
}
