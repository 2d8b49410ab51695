package org.prime4j.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.orchestrator.data.BadLinePolicy;
import org.prime4j.orchestrator.prime.AdvantageEstimator;
import org.prime4j.orchestrator.prime.RewardNorm;
import org.prime4j.orchestrator.train.OldLogprobs;
import org.prime4j.orchestrator.train.PrmUpdate;

class TrainConfigReaderTest {

    private static final String MINIMAL = """
            model:
              policy: sft
            data:
              train: train.jsonl
            """;

    @Test
    void minimalConfigTakesThePapersDefaults() {
        TrainConfig c = TrainConfigReader.parse(MINIMAL, "run.yaml");
        assertEquals(Path.of("sft"), c.model().reference());
        assertEquals(Path.of("sft"), c.model().prm());
        assertEquals(ServerMode.EMBEDDED, c.servers().policy().mode());
        assertEquals(4, c.rollout().k());
        assertEquals(1.0, c.rollout().temperature());
        assertEquals(0.2, c.filter().accuracyFilter().lower());
        assertEquals(0.8, c.filter().accuracyFilter().upper());
        assertEquals(0.05, c.prm().beta());
        assertEquals(1, c.prm().epochs(), "one PRM pass per step, as the paper");
        assertEquals(PrmUpdate.AFTER, c.prm().update());
        assertEquals(0.2, c.policy().clip());
        assertEquals(OldLogprobs.TRAINER, c.policy().oldLogprobs());
        assertEquals(AdvantageEstimator.PRIME_RLOO, c.advantage().estimator());
        assertEquals(5.0, c.advantage().processCoef());
        assertEquals(RewardNorm.BATCH_NORM, c.advantage().rewardNorm());
        assertEquals(org.prime4j.orchestrator.prime.ProcessReward.TOKEN, c.advantage().processReward());
        assertEquals(BadLinePolicy.FAIL, c.data().onBadLine());
        assertNull(c.data().eval());
        assertTrue(c.run().tensorboard(), "TensorBoard event files are on by default");
    }

    @Test
    void tensorboardSwitchesOffAndAWrongValueNamesTheField() {
        assertEquals(false, TrainConfigReader.parse(MINIMAL + "run: {tensorboard: false}\n", "run.yaml").run()
                .tensorboard());
        ConfigException e = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                run:
                  steps: 3
                  tensorboard: maybe
                """, "run.yaml"));
        assertEquals("run.tensorboard", e.field());
        assertEquals(7, e.line(), e.getMessage());
        ConfigException typo = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL
                + "run: {tensorbord: false}\n", "run.yaml"));
        assertTrue(typo.getMessage().contains("did you mean 'tensorboard'?"), typo.getMessage());
    }

    @Test
    void readsEverySectionAndResolvesPathsAgainstTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, """
                model:
                  policy: sft
                  prm: prm-init
                servers:
                  policy: {mode: remote, base_urls: ["http://gpu-1:8000"], api_key_env: KEY}
                  reference: {mode: embedded, count: 1}
                data: {train: train.jsonl, eval: held.jsonl, on_bad_line: skip}
                rollout: {k: 8, prompts_per_step: 16, max_tokens: 64, oversampling: 2.0}
                filter: {accuracy: false, drop_truncated: true}
                prm: {lr: 1.0e-3, update: before, micro_batch: 4, epochs: 3}
                policy: {lr: 1.0e-4, mini_batch: 32, micro_batch: 16, old_logprobs: server}
                advantage: {estimator: grpo, process_coef: 0, process_reward: response}
                verifier: {deadline_seconds: 2.5, parallelism: 3}
                run: {out: out, steps: 7, seed: 42, checkpoint_every: 2, eval_every: 3, publish_dtype: bf16}
                """);
        Files.writeString(dir.resolve("train.jsonl"), "");
        Files.writeString(dir.resolve("held.jsonl"), "");
        TrainConfig c = TrainConfigReader.read(file);
        Path base = dir.toAbsolutePath();
        assertEquals(base.resolve("sft"), c.model().policy());
        assertEquals(base.resolve("sft"), c.model().reference());
        assertEquals(base.resolve("prm-init"), c.model().prm());
        assertEquals(base.resolve("out"), c.run().out());
        assertEquals(ServerMode.REMOTE, c.servers().policy().mode());
        assertEquals("KEY", c.servers().policy().apiKeyEnv());
        assertNull(c.filter().accuracyFilter());
        assertTrue(c.filter().dropTruncated());
        assertEquals(PrmUpdate.BEFORE, c.prm().update());
        assertEquals(3, c.prm().epochs());
        assertEquals(OldLogprobs.SERVER, c.policy().oldLogprobs());
        assertEquals(AdvantageEstimator.GRPO, c.advantage().estimator());
        assertEquals(org.prime4j.orchestrator.prime.ProcessReward.RESPONSE, c.advantage().processReward());
        assertEquals(BadLinePolicy.SKIP, c.data().onBadLine());
        assertEquals(42L, c.run().seed());
        assertEquals(org.prime4j.model.io.DType.BF16, c.run().publishDtype());
    }

    @Test
    void aMissingDataFileIsAnErrorOnItsLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, """
                model: {policy: sft}
                data:
                  train: train.jsonl
                  eval: held.jsonl
                """);
        ConfigException train = assertThrows(ConfigException.class, () -> TrainConfigReader.read(file));
        assertEquals(file + " line 3, data.train: " + dir.toAbsolutePath().resolve("train.jsonl") + ": no such file",
                train.getMessage());
        assertEquals(3, train.line());

        Files.writeString(dir.resolve("train.jsonl"), "");
        ConfigException eval = assertThrows(ConfigException.class, () -> TrainConfigReader.read(file));
        assertEquals(4, eval.line(), eval.getMessage());
        assertEquals("data.eval", eval.field());

        Files.writeString(file, "model: {policy: sft}\ndata: {train: 'shards/*.parquet'}\n");
        ConfigException glob = assertThrows(ConfigException.class, () -> TrainConfigReader.read(file));
        assertEquals(2, glob.line(), glob.getMessage());
        assertTrue(glob.getMessage().endsWith("shards/*.parquet: no file matches"), glob.getMessage());
    }

    @Test
    void unknownFieldNamesItsLineAndTheNearestValidName() {
        ConfigException e = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                rollout:
                  k: 4
                  temprature: 0.7
                """, "run.yaml"));
        assertEquals(7, e.line(), e.getMessage());
        assertEquals("rollout.temprature", e.field());
        assertTrue(e.getMessage().startsWith("run.yaml line 7, rollout.temprature: unknown field 'temprature';"
                + " did you mean 'temperature'?"), e.getMessage());
    }

    @Test
    void aKeyGivenTwiceNamesBothLines() {
        ConfigException e = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                rollout:
                  k: 4
                  max_tokens: 64
                  k: 8
                """, "run.yaml"));
        assertEquals(8, e.line(), e.getMessage());
        assertEquals("rollout.k", e.field());
        assertEquals("run.yaml line 8, rollout.k: given twice (first on line 6); YAML would keep only the last:"
                + " remove one", e.getMessage());
        // the same key in two different mappings is not a duplicate
        TrainConfig ok = TrainConfigReader.parse(MINIMAL + """
                servers:
                  policy: {count: 2}
                  reference: {count: 1}
                """, "run.yaml");
        assertEquals(2, ok.servers().policy().count());
        assertEquals(1, ok.servers().reference().count());
    }

    @Test
    void invalidValueNamesItsOwnLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                rollout:
                  prompts_per_step: 8
                  k: 1
                """, "run.yaml"));
        assertEquals(7, e.line(), e.getMessage());
        assertEquals("rollout.k", e.field());
        assertTrue(e.getMessage().contains("must be >= 2, got 1"), e.getMessage());
    }

    @Test
    void crossFieldErrorsAndBadEnumsNameTheField() {
        ConfigException bounds = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                filter:
                  lower: 0.6
                  upper: 0.4
                """, "run.yaml"));
        assertEquals("filter.upper", bounds.field());
        assertEquals(7, bounds.line());

        ConfigException mode = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                prm:
                  update: sometimes
                """, "run.yaml"));
        assertEquals("prm.update", mode.field());
        assertEquals(6, mode.line());
        assertTrue(mode.getMessage().contains("after, before, none"), mode.getMessage());

        ConfigException epochs = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                prm:
                  epochs: 0
                """, "run.yaml"));
        assertEquals("prm.epochs", epochs.field());
        assertEquals(6, epochs.line());

        ConfigException remote = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                servers:
                  policy:
                    mode: remote
                """, "run.yaml"));
        assertEquals("servers.policy.base_urls", remote.field());
        assertEquals(6, remote.line());

        ConfigException type = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                run:
                  steps: many
                """, "run.yaml"));
        assertEquals("run.steps", type.field());
        assertEquals(6, type.line());
    }

    @Test
    void missingRequiredFieldsAndSyntaxErrorsAreNamed() {
        ConfigException noPolicy = assertThrows(ConfigException.class, () -> TrainConfigReader.parse("""
                model:
                  reference: ref
                data:
                  train: t.jsonl
                """, "run.yaml"));
        assertEquals("model.policy", noPolicy.field());
        assertEquals(1, noPolicy.line());

        ConfigException noData = assertThrows(ConfigException.class,
                () -> TrainConfigReader.parse("model:\n  policy: p\n", "run.yaml"));
        assertEquals("data", noData.field());

        ConfigException syntax = assertThrows(ConfigException.class,
                () -> TrainConfigReader.parse("model:\n  policy: p\n   data: x\n", "run.yaml"));
        assertTrue(syntax.getMessage().contains("not valid YAML"), syntax.getMessage());
        assertEquals(3, syntax.line(), syntax.getMessage());

        ConfigException evalWithoutData = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL
                + "run:\n  eval_every: 5\n", "run.yaml"));
        assertEquals("run.eval_every", evalWithoutData.field());
        assertEquals(6, evalWithoutData.line());
    }

    @Test
    void loraSectionsTakeTheirDefaultsAndMakeOneFleetServeTheReference() {
        TrainConfig c = TrainConfigReader.parse(MINIMAL + """
                policy: {lr: 1.0e-4, lora: {r: 8, target_modules: [q_proj, v_proj]}}
                prm: {lora: {r: 4, alpha: 4, dropout: 0.1, activation_checkpointing: false}}
                """, "run.yaml");
        assertTrue(c.lora());
        assertTrue(c.policy().lora().activationCheckpointing(), "checkpointing is on by default");
        assertFalse(c.prm().lora().activationCheckpointing());
        assertEquals(8, c.policy().lora().r());
        assertEquals(16.0, c.policy().lora().alpha(), "alpha defaults to 2 r");
        assertEquals(java.util.List.of("q_proj", "v_proj"), c.policy().lora().targetModules());
        assertEquals(7, c.prm().lora().targetModules().size(), "every projection by default");
        assertEquals(1.0, c.prm().lora().toConfig("sft").scale());
        assertTrue(c.servers().reference().servedByPolicy(), "same_as_policy defaults to true with LoRA");
        TrainConfig separate = TrainConfigReader.parse(MINIMAL + """
                policy: {lora: {}}
                prm: {lora: {}}
                servers: {reference: {same_as_policy: false}}
                """, "run.yaml");
        assertFalse(separate.servers().reference().servedByPolicy());
        assertFalse(TrainConfigReader.parse(MINIMAL, "run.yaml").lora());
        assertFalse(TrainConfigReader.parse(MINIMAL, "run.yaml").servers().reference().servedByPolicy());
    }

    @Test
    void badLoraSettingsNameTheirField() {
        ConfigException rank = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                policy:
                  lora: {r: 0}
                prm: {lora: {}}
                """, "run.yaml"));
        assertEquals("policy.lora.r", rank.field(), rank.getMessage());
        ConfigException target = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                policy: {lora: {}}
                prm:
                  lora: {target_modules: [q_proj, qkv_proj]}
                """, "run.yaml"));
        assertEquals("prm.lora.target_modules", target.field(), target.getMessage());
        assertTrue(target.getMessage().contains("'qkv_proj' is not one of"), target.getMessage());
        ConfigException dropout = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                policy: {lora: {dropout: 1.0}}
                prm: {lora: {}}
                """, "run.yaml"));
        assertEquals("policy.lora.dropout", dropout.field(), dropout.getMessage());
        ConfigException recomputed = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                policy: {lora: {}}
                prm: {lora: {dropout: 0.1}}
                """, "run.yaml"));
        assertEquals("prm.lora.dropout", recomputed.field(), recomputed.getMessage());
        assertTrue(recomputed.getMessage().contains("activation_checkpointing: false"), recomputed.getMessage());
        ConfigException alone = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                policy: {lora: {}}
                """, "run.yaml"));
        assertEquals("prm.lora", alone.field(), alone.getMessage());
        ConfigException twoBases = assertThrows(ConfigException.class, () -> TrainConfigReader.parse("""
                model: {policy: sft, prm: other}
                data: {train: train.jsonl}
                policy: {lora: {}}
                prm: {lora: {}}
                """, "run.yaml"));
        assertEquals("model.prm", twoBases.field(), twoBases.getMessage());
        assertTrue(TrainConfigReader.parse(MINIMAL + """
                policy: {lora: {}}
                prm: {lora: {}}
                run: {async: true}
                """, "run.yaml").run().async(), "async LoRA runs are allowed");
        ConfigException full = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                servers: {reference: {same_as_policy: true}}
                """, "run.yaml"));
        assertEquals("servers.reference.same_as_policy", full.field(), full.getMessage());
        assertTrue(full.getMessage().contains("needs LoRA"), full.getMessage());
        ConfigException misplaced = assertThrows(ConfigException.class, () -> TrainConfigReader.parse(MINIMAL + """
                servers: {policy: {same_as_policy: true}}
                policy: {lora: {}}
                prm: {lora: {}}
                """, "run.yaml"));
        assertEquals("servers.policy.same_as_policy", misplaced.field(), misplaced.getMessage());
    }
}
