package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prime4j.server.launch.VllmCommandLine;
import org.prime4j.server.launch.LaunchConfigReader;
import org.prime4j.server.launch.LaunchConfig;
import org.prime4j.orchestrator.config.TrainConfigReader;
import org.prime4j.orchestrator.config.TrainConfig;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.DjlRuntime;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.orchestrator.data.PromptItem;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.ServerOptions;
import org.prime4j.server.djl.DjlServingModel;
import org.prime4j.testkit.RepoFiles;
import org.prime4j.testkit.Requirement;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.code.CodeVerifier;
import org.prime4j.verifiers.code.CodeVerifierConfig;
import org.prime4j.verifiers.code.Sandbox;
import org.prime4j.verifiers.code.SandboxUnavailableException;

/**
 * The examples users copy, each run for 2 steps of {@code prime4j train}: examples/remote against servers started
 * here on loopback (their URLs substituted into the config), examples/code with the sandboxed code verifier.
 * Only sizes are shrunk, by replacing the example's own lines (a missing line fails the test).
 */
class ExamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code text} with {@code from} replaced by {@code to}; {@code from} must occur. */
    private static String replace(String text, String from, String to) {
        assertThat(text).as("the example still has '" + from + "'").contains(from);
        return text.replace(from, to);
    }

    private static List<JsonNode> metrics(Path out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            lines.add(JSON.readTree(l));
        }
        return lines;
    }

    @Test
    void remoteExampleTrainsAgainstRunningServers(@TempDir Path dir) throws Exception {
        DjlRuntime.pytorch();
        Path sft = RepoFiles.example("arithmetic/sft");
        String key = System.getenv("PRIME4J_API_KEY"); // set by this module's surefire configuration
        List<DjlServingModel> models = new ArrayList<>();
        List<EmbeddedServer> servers = new ArrayList<>();
        try {
            for (String role : List.of("policy", "policy", "reference")) {
                DjlServingModel m = DjlServingModel.load(sft, null);
                models.add(m);
                ServerOptions o = ServerOptions.loopback(role);
                servers.add(EmbeddedServer.start(m, key != null ? o.withApiKey(key) : o));
            }
            String yaml = Files.readString(RepoFiles.example("remote/remote.yaml"));
            yaml = replace(yaml, "../arithmetic/", sft.getParent() + "/");
            yaml = replace(yaml, "[http://127.0.0.1:8000, http://127.0.0.1:8001]",
                    "[" + servers.get(0).baseUrl() + ", " + servers.get(1).baseUrl() + "]");
            yaml = replace(yaml, "[http://127.0.0.1:8002]", "[" + servers.get(2).baseUrl() + "]");
            yaml = replace(yaml, "prompts_per_step: 64", "prompts_per_step: 8");
            yaml = replace(yaml, "eval_limit: 200", "eval_limit: 8");
            yaml = replace(yaml, "eval_every: 10", "eval_every: 2");
            yaml = replace(yaml, "checkpoint_every: 10", "checkpoint_every: 2");
            if (key == null) { // run outside Maven: servers without a key
                yaml = yaml.replaceAll("(?m)^\\s*api_key_env:.*$", "");
            }
            Path cfg = Files.writeString(dir.resolve("remote.yaml"), yaml);
            Path out = dir.resolve("out");

            CliRun r = CliRun.of("train", "--config", cfg.toString(), "--steps", "2", "--out", out.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            List<JsonNode> m = metrics(out);
            assertThat(m).hasSize(2);
            double eval = m.get(1).get("eval_accuracy").asDouble(-1);
            assertThat(eval).as("held-out accuracy through the remote policy servers").isBetween(0.0, 1.0);
            assertThat(r.out()).contains("done at step 2").contains("checkpoint");
            System.out.println("examples/remote, 2 steps: " + r.out().strip() + "; step 2: " + m.get(1));
        } finally {
            servers.forEach(EmbeddedServer::close);
            models.forEach(DjlServingModel::close);
        }
    }

    @Test
    void codeExampleTrainsWithTheSandboxedCodeVerifier(@TempDir Path dir) throws Exception {
        String missing = null;
        try {
            Sandbox.open(CodeVerifierConfig.defaults());
        } catch (SandboxUnavailableException e) {
            missing = e.getMessage();
        }
        Requirement.UNSHARE.assume(missing == null, "no code sandbox works here (bubblewrap, or unshare + setpriv "
                + "from util-linux): " + missing);
        DjlRuntime.pytorch();

        // The example's tests are right: each line's reference response passes all of them.
        Path data = RepoFiles.example("code/train.jsonl");
        CodeVerifier verifier = new CodeVerifier(CodeVerifierConfig.defaults());
        List<PromptItem> items = PromptDataset.read(data, PromptDataset.Options.TASKS);
        assertThat(items).hasSize(10).allSatisfy(i -> assertThat(i.ability()).isEqualTo("code"));
        for (PromptItem item : items) {
            Verification v = verifier.verify(new VerificationItem(item.response(), item.groundTruth(), item.extra()));
            assertThat(v.score()).as(item.source() + ": " + v.reason()).isEqualTo(1.0);
        }

        String yaml = Files.readString(RepoFiles.example("code/code.yaml"));
        yaml = replace(yaml, "policy: ../arithmetic/sft", "policy: " + RepoFiles.example("arithmetic/sft"));
        yaml = replace(yaml, "train: train.jsonl", "train: " + data);
        yaml = replace(yaml, "prompts_per_step: 8", "prompts_per_step: 2");
        yaml = replace(yaml, "max_tokens: 256", "max_tokens: 32");
        // The arithmetic model writes no Python, so all scores are 0: without the filter the steps still train.
        yaml = replace(yaml, "accuracy: true", "accuracy: false");
        Path cfg = Files.writeString(dir.resolve("code.yaml"), yaml);
        Path out = dir.resolve("out");

        CliRun r = CliRun.of("train", "--config", cfg.toString(), "--steps", "2", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> m = metrics(out);
        assertThat(m).hasSize(2);
        for (JsonNode step : m) {
            assertThat(step.get("kept_prompts").asInt()).as(step.toString()).isEqualTo(2);
            assertThat(step.get("accuracy").asDouble()).as(step.toString()).isBetween(0.0, 1.0);
        }
        assertThat(r.out()).contains("done at step 2").contains("policy ");
        System.out.println("examples/code, 2 steps: " + r.out().strip() + "; step 2: " + m.get(1));
    }

    @Test
    void theSevenBillionExamplesAreThePapersRunAsFullAndLoraConfigs() throws Exception {
        Path dir = RepoFiles.example("qwen2.5-math-7b");
        TrainConfig full = TrainConfigReader.parse(Files.readString(dir.resolve("full.yaml")), "full.yaml");
        TrainConfig lora = TrainConfigReader.parse(Files.readString(dir.resolve("lora.yaml")), "lora.yaml");
        for (TrainConfig c : List.of(full, lora)) {
            assertThat(c.prm().beta()).isEqualTo(0.05);
            assertThat(c.rollout().k()).isEqualTo(4);
            assertThat(c.filter().accuracyFilter().lower()).isEqualTo(0.2);
            assertThat(c.filter().accuracyFilter().upper()).isEqualTo(0.8);
            assertThat(c.model().policy().toString()).isEqualTo("PRIME-RL/Eurus-2-7B-SFT");
        }
        assertThat(full.policy().lr()).isEqualTo(5e-7);
        assertThat(full.prm().lr()).isEqualTo(1e-6);
        assertThat(full.lora()).isFalse();
        assertThat(full.servers().reference().servedByPolicy()).isFalse();
        assertThat(lora.lora()).isTrue();
        assertThat(lora.policy().lora().r()).isEqualTo(64);
        assertThat(lora.servers().reference().servedByPolicy()).as("one fleet").isTrue();
        for (String launch : List.of("launch-full.yaml", "launch-reference.yaml", "launch-lora.yaml")) {
            LaunchConfig lc = LaunchConfigReader.read(dir.resolve(launch));
            assertThat(lc.servers()).allMatch(s -> s.model().equals("PRIME-RL/Eurus-2-7B-SFT"), launch);
        }
        // What prime4j train starts for lora.yaml: the launch file with runtime LoRA at the adapter's rank.
        LaunchConfig served = LaunchConfigReader.read(dir.resolve("launch-lora.yaml"))
                .withLora(lora.policy().lora().r(), 2);
        VllmCommandLine cmd = VllmCommandLine.of(served.servers().get(0), k -> null);
        assertThat(cmd.argv()).containsSequence("--enable-lora", "--max-loras", "2", "--max-lora-rank", "64");
        assertThat(cmd.env()).containsEntry("VLLM_ALLOW_RUNTIME_LORA_UPDATING", "True");

        TrainConfig demo = TrainConfigReader.read(RepoFiles.example("arithmetic/demo-lora.yaml"));
        assertThat(demo.lora()).isTrue();
        assertThat(demo.servers().reference().servedByPolicy()).isTrue();
    }
}
