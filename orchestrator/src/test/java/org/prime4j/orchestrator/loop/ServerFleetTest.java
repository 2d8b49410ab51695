package org.prime4j.orchestrator.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.pool.ServerStats;
import org.prime4j.model.DjlRuntime;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.config.TrainConfigReader;
import org.prime4j.server.djl.DjlServingModel;

/**
 * Issue 12 on two embedded policy servers serving the shipped arithmetic SFT model: a server that dies and is
 * restarted mid-run, one that acknowledges reloads but keeps its old weights, and servers that hold other
 * weights when a run starts or resumes. {@link RecordingModel} records which weights each server held at every
 * sampling call, independently of what the pool believes.
 */
@Timeout(180)
class ServerFleetTest {

    private static final Path SFT = Path.of("..", "examples", "arithmetic", "sft").toAbsolutePath().normalize();

    @BeforeAll
    static void engine() {
        DjlRuntime.pytorch();
    }

    /** The models every embedded server of a run loaded, policy ones recorded, in load order. */
    private static final class Servers {
        final RecordingModel.Fleet fleet;
        final List<RecordingModel> policy = new CopyOnWriteArrayList<>();
        final AtomicReference<ServerSet> set = new AtomicReference<>();
        /** Policy server index -> the directory it loads at its first start (default: the config's). */
        final Map<Integer, Path> initial;
        final int ignoresReloads;

        Servers(TrainConfig cfg, Map<Integer, Path> initial, int ignoresReloads) {
            this.fleet = new RecordingModel.Fleet(cfg.model().policy());
            this.initial = initial;
            this.ignoresReloads = ignoresReloads;
        }

        PrimeTraining.ServerStarter starter() {
            return cfg -> {
                ServerSet s = ServerSet.start(cfg, (role, i, dir) -> {
                    if (!role.equals("policy")) {
                        return DjlServingModel.load(dir, null);
                    }
                    boolean firstStart = policy.stream().noneMatch(m -> m.name.startsWith("policy#" + i + "@"));
                    Path from = firstStart ? initial.getOrDefault(i, dir) : dir;
                    RecordingModel m = new RecordingModel(from, "policy#" + i + "@" + policy.size(), fleet,
                            i == ignoresReloads);
                    policy.add(m);
                    return m;
                });
                set.set(s);
                return s;
            };
        }

        String url(int i) {
            return set.get().policy().pool().servers().get(i);
        }

        ServerStats stats(int i) {
            return set.get().policy().stats().stream().filter(s -> s.server().equals(url(i))).findFirst()
                    .orElseThrow();
        }
    }

    private static Path runDir(Path dir) throws IOException {
        return TinyRun.runDir(dir, SFT);
    }

    /**
     * Two policy servers, one prompt per request (so both serve every step), no held-out evaluation. The accuracy
     * filter is off so that every step trains and publishes: which groups pass it depends on the sampled tokens,
     * and those differ between CPUs (a CI machine once sampled a step 3 whose groups all failed it).
     */
    private static TrainConfig config(Path dir, int steps) throws IOException {
        Path yaml = dir.resolve("run.yaml");
        Files.writeString(yaml, """
                model:
                  policy: sft
                data:
                  train: train.jsonl
                rollout: {k: 4, prompts_per_step: 2, max_tokens: 6, request_batch_size: 1, oversampling: 2.0,
                          max_refills: 4}
                prm: {lr: 1.0e-3, micro_batch: 8}
                policy: {lr: 1.0e-3, mini_batch: 8, micro_batch: 8}
                filter: {accuracy: false}
                verifier: {parallelism: 2}
                servers:
                  policy: {count: 2}
                  request_timeout_seconds: 20
                  reload_timeout_seconds: 20
                run: {out: out, steps: %d, seed: 11, checkpoint_every: 2, eval_every: 0}
                """.formatted(steps));
        return TrainConfigReader.read(yaml);
    }

    private static RunOptions options(java.util.function.Consumer<StepMetrics> onStep) {
        return new RunOptions(false, null, null, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), null, List.of(new TinyRun.Parity()), onStep, null, false, null);
    }

    private static List<Integer> steps(Path dir) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (JsonNode line : MetricsLog.read(dir.resolve("out/metrics.jsonl"))) {
            out.add(line.get("step").asInt());
        }
        return out;
    }

    private static int firstIndexOf(List<String> events, String prefix) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aServerKilledAndRestartedMidRunIsReloadedBeforeItSamplesAndTheRunLosesNoStep(@TempDir Path tmp)
            throws Exception {
        Path dir = runDir(tmp);
        TrainConfig cfg = config(dir, 6);
        Servers servers = new Servers(cfg, Map.of(), -1);
        List<String> checks = new CopyOnWriteArrayList<>();
        AtomicReference<Path> current = new AtomicReference<>();
        TrainingSummary summary = PrimeTraining.run(cfg, options(m -> {
            try {
                if (m.step() == 2) {
                    servers.set.get().stopEmbedded("policy", 1); // as kill -9 after a metrics line
                }
                if (m.step() == 3) { // item 1: the publish of step 3 reached one server of two, the run goes on
                    ServerStats dead = servers.stats(1);
                    checks.add("step 3 trained and published=" + m.trained());
                    checks.add("step 3 dead server stale=" + dead.staleWeights());
                    checks.add("step 3 dead server holds " + servers.set.get().policy().pool()
                            .held(RolloutClient.WEIGHTS).get(servers.url(1)));
                }
                if (m.step() == 4) {
                    current.set(servers.fleet.newest.get()); // step 4's
                    servers.set.get().restartEmbedded("policy", 1); // same port, initial weights
                    long guard = System.nanoTime() + 30_000_000_000L; // a hang guard: the prober runs every 2 s
                    while (servers.stats(1).staleWeights() && System.nanoTime() < guard) {
                        Thread.sleep(20);
                    }
                    checks.add("restarted server rejoined=" + !servers.stats(1).staleWeights());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }), servers.starter());

        assertThat(summary.lastStep()).isEqualTo(6);
        assertThat(steps(dir)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(checks).containsExactly("step 3 trained and published=true", "step 3 dead server stale=true", "step 3 dead server holds null",
                "restarted server rejoined=true");
        assertThat(servers.fleet.staleSamples).isEmpty();
        assertThat(servers.policy).hasSize(3); // two first starts and the restart
        RecordingModel restarted = servers.policy.get(2);
        int reload = firstIndexOf(restarted.events, "reload " + current.get());
        int sample = firstIndexOf(restarted.events, "generate");
        assertThat(reload).as("reloaded: %s", restarted.events).isZero();
        assertThat(sample).as("sampled again after its reload: %s", restarted.events).isGreaterThan(reload);
        assertThat(servers.policy.get(0).holds()).isEqualTo(summary.policyWeights().toAbsolutePath());
        assertThat(restarted.holds()).isEqualTo(summary.policyWeights().toAbsolutePath());
    }

    @Test
    void aServerThatAcknowledgesAReloadButKeepsItsWeightsIsStaleAndNeverSampledAgain(@TempDir Path tmp)
            throws Exception {
        Path dir = runDir(tmp);
        TrainConfig cfg = config(dir, 3);
        Servers servers = new Servers(cfg, Map.of(), 1);
        List<String> reasons = new CopyOnWriteArrayList<>();
        TrainingSummary summary = PrimeTraining.run(cfg, options(m -> reasons.add(servers.stats(1).staleReason())),
                servers.starter());

        assertThat(summary.lastStep()).isEqualTo(3);
        assertThat(servers.fleet.staleSamples).isEmpty();
        RecordingModel liar = servers.policy.get(1);
        int firstReload = firstIndexOf(liar.events, "reload");
        assertThat(firstReload).isPositive(); // it sampled in step 1, then got the step-1 weights
        assertThat(liar.events.subList(firstReload, liar.events.size())).noneMatch(e -> e.startsWith("generate"));
        assertThat(reasons).hasSize(3).allSatisfy(r -> assertThat(r).contains("probe log-probs differ"));
    }

    @Test
    void runsThatStartOrResumePushTheirWeightsToServersHoldingOthers(@TempDir Path tmp) throws Exception {
        // A first run leaves weights/step-1 and a checkpoint at step 1 (a run checkpoints at its end).
        Path first = runDir(tmp.resolve("first"));
        TrainConfig firstCfg = config(first, 1);
        PrimeTraining.run(firstCfg, options(m -> {}), new Servers(firstCfg, Map.of(), -1).starter());
        Path oldWeights = first.resolve("out/weights/step-1").toAbsolutePath();

        // Resumed: both servers start from the initial weights and must get the checkpoint's policy.
        TrainConfig resumedCfg = config(first, 2);
        Servers resumed = new Servers(resumedCfg, Map.of(), -1);
        PrimeTraining.run(resumedCfg, options(m -> {}).withResume(true), resumed.starter());
        assertThat(resumed.fleet.staleSamples).isEmpty();
        for (RecordingModel m : resumed.policy) {
            assertThat(m.events.get(0)).as(m.name).isEqualTo("reload " + oldWeights);
        }

        // A new run at step 0 whose server 1 still holds the first run's step-1 weights (issue 12, 2a).
        Path second = runDir(tmp.resolve("second"));
        TrainConfig secondCfg = config(second, 1);
        Servers fresh = new Servers(secondCfg, Map.of(1, oldWeights), -1);
        PrimeTraining.run(secondCfg, options(m -> {}), fresh.starter());
        assertThat(fresh.fleet.staleSamples).isEmpty();
        List<String> equal = fresh.policy.get(0).events;
        int reload = firstIndexOf(equal, "reload"); // step 1's publish, if step 1 trained
        assertThat(reload == -1 || reload > firstIndexOf(equal, "generate"))
                .as("shown equal by the probe, not reloaded before it sampled: %s", equal).isTrue();
        List<String> other = fresh.policy.get(1).events;
        assertThat(other.get(0)).as("probed first: %s", other).startsWith("score ");
        assertThat(other.get(1)).as("then reloaded: %s", other).isEqualTo("reload " + secondCfg.model().policy()
                .toAbsolutePath());
        assertThat(fresh.policy.get(1).generateCalls.get()).isPositive();
    }
}
