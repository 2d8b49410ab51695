package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.DjlRuntime;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.ServerOptions;
import org.prime4j.server.djl.DjlServingModel;
import org.prime4j.testkit.RepoFiles;

/**
 * {@code prime4j eval --base-url} against an embedded server (what {@code prime4j serve} runs) on loopback with
 * the shipped arithmetic SFT checkpoint; the figures printed and written are recounted from items.jsonl.
 */
class EvalCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static DjlServingModel model;
    private static EmbeddedServer server;

    @TempDir static Path shared;

    @BeforeAll
    static void serve() throws Exception {
        DjlRuntime.pytorch();
        model = DjlServingModel.load(RepoFiles.example("arithmetic/sft"), null);
        server = EmbeddedServer.start(model, ServerOptions.loopback("arith"));
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    private static Path heldOut(Path dir, int n) throws Exception {
        List<String> lines = Files.readAllLines(RepoFiles.example("arithmetic/heldout.jsonl")).subList(0, n);
        return Files.write(dir.resolve("held.jsonl"), lines);
    }

    @Test
    void sampledEvalThroughAServerMatchesARecountOfItsItems(@TempDir Path dir) throws Exception {
        Path data = heldOut(dir, 8);
        Path out = dir.resolve("eval");
        CliRun r = CliRun.of("eval", "--base-url", server.baseUrl().toString(), "--served-model-name", "arith",
                "--data", data.toString(), "--k", "4", "--temperature", "1.0", "--max-tokens", "48", "--out",
                out.toString());
        assertThat(r.exit()).as(r.err()).isZero();

        List<JsonNode> items = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("items.jsonl"))) {
            items.add(JSON.readTree(line));
        }
        assertThat(items).hasSize(8);
        double p1 = 0;
        double p4 = 0;
        double maj = 0;
        for (JsonNode it : items) {
            assertThat(it.get("id").asText()).startsWith(data.toString() + ":");
            assertThat(it.get("responses")).hasSize(4);
            int correct = 0;
            Map<String, Integer> votes = new LinkedHashMap<>();
            Map<String, Integer> first = new LinkedHashMap<>();
            for (int s = 0; s < 4; s++) {
                correct += it.get("scores").get(s).asDouble() >= 1 ? 1 : 0;
                JsonNode v = it.get("votes").get(s);
                if (!v.isNull()) {
                    votes.merge(v.asText(), 1, Integer::sum);
                    first.putIfAbsent(v.asText(), s);
                }
                assertThat(it.get("answers").get(s).isNull()).isEqualTo(v.isNull());
            }
            p1 += correct / 4.0;
            p4 += correct > 0 ? 1 : 0;
            boolean majCorrect = false;
            if (!votes.isEmpty()) {
                int top = votes.values().stream().max(Integer::compare).orElseThrow();
                String winner = votes.entrySet().stream().filter(e -> e.getValue() == top).findFirst().orElseThrow()
                        .getKey();
                majCorrect = it.get("scores").get(first.get(winner)).asDouble() >= 1;
                assertThat(JSON.readTree(JSON.writeValueAsString(it.get("majority_answer"))).asText())
                        .isEqualTo(it.get("answers").get(first.get(winner)).asText());
            }
            assertThat(it.get("majority_correct").asBoolean()).as(it.toString()).isEqualTo(majCorrect);
            maj += majCorrect ? 1 : 0;
        }
        p1 /= items.size();
        p4 /= items.size();
        maj /= items.size();

        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertThat(summary.get("items").asInt()).isEqualTo(8);
        assertThat(summary.get("pass@1").asDouble()).isEqualTo(p1, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(summary.get("pass@4").asDouble()).isEqualTo(p4, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(summary.get("maj@4").asDouble()).isEqualTo(maj, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(p4).isGreaterThanOrEqualTo(p1);
        assertThat(p1).as("the SFT model solves some items at temperature 1").isGreaterThan(0);
        assertThat(r.out()).contains(String.format(java.util.Locale.ROOT, "pass@1 %.4f  pass@4 %.4f  maj@4 %.4f",
                p1, p4, maj));
        assertThat(Files.readString(out.resolve("summary.md"))).contains("| all | 8 |");
        System.out.println("arithmetic, 8 held-out items, k=4, T=1: " + r.out().strip());
    }

    @Test
    void greedyRunsRepeatAndTheRawTemplateIsTheDatasetPromptForABareTemplate(@TempDir Path dir) throws Exception {
        Path data = heldOut(dir, 4);
        CliRun a = CliRun.of("eval", "--base-url", server.baseUrl().toString(), "--data", data.toString(),
                "--max-tokens", "48", "--out", dir.resolve("a").toString());
        CliRun b = CliRun.of("eval", "--base-url", server.baseUrl().toString(), "--data", data.toString(),
                "--max-tokens", "48", "--template", "raw", "--out", dir.resolve("b").toString());
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(Files.readString(dir.resolve("a/items.jsonl"))).isEqualTo(Files.readString(dir.resolve("b/items.jsonl")));
        JsonNode s = JSON.readTree(dir.resolve("a/summary.json").toFile());
        assertThat(s.get("pass@1").asDouble()).as("one greedy answer: pass@1 = pass@k = maj@k")
                .isEqualTo(s.get("maj@1").asDouble());
        assertThat(s.get("settings").get("temperature").asDouble()).isZero();
    }

    @Test
    void launchConfigStartsTheServerAndScoresAsTheRunningOne(@TempDir Path dir) throws Exception {
        Path data = heldOut(dir, 4);
        // A stand-in for vllm: the launcher runs it with vllm's arguments; it starts `prime4j serve` on the port.
        Path fake = dir.resolve("vllm");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(fake, "#!/usr/bin/env bash\n"
                + "port=\"\"; while [ $# -gt 0 ]; do case \"$1\" in --port) port=\"$2\"; shift;; esac; shift; done\n"
                + "exec " + javaBin + " -Xmx512m -Dai.djl.offline=true -cp '" + System.getProperty("java.class.path")
                + "' org.prime4j.app.cli.Prime4jCli serve --model '" + RepoFiles.example("arithmetic/sft")
                + "' --port \"$port\"\n");
        Files.setPosixFilePermissions(fake, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path yaml = Files.writeString(dir.resolve("launch.yaml"), "servers:\n  - name: policy\n    model: sft\n"
                + "    port: " + port + "\n    executable: " + fake + "\n    log_file: " + dir.resolve("serve.log")
                + "\n    startup_timeout_seconds: 300\n    env: {OPT_OUT_TRACKING: \"true\"}\n");
        CliRun launched = CliRun.of("eval", "--launch-config", yaml.toString(), "--data", data.toString(),
                "--max-tokens", "48", "--out", dir.resolve("launched").toString());
        assertThat(launched.exit()).as(launched.err()).isZero();
        CliRun running = CliRun.of("eval", "--base-url", server.baseUrl().toString(), "--data", data.toString(),
                "--max-tokens", "48", "--out", dir.resolve("running").toString());
        assertThat(running.exit()).as(running.err()).isZero();
        assertThat(Files.readString(dir.resolve("launched/items.jsonl")))
                .isEqualTo(Files.readString(dir.resolve("running/items.jsonl")));
        JsonNode settings = JSON.readTree(dir.resolve("launched/summary.json").toFile()).get("settings");
        assertThat(settings.get("servers").asText()).isEqualTo("launch: " + yaml);
    }

    @Test
    void everyUsageErrorIsOneLine(@TempDir Path dir) throws Exception {
        Path data = heldOut(dir, 2);
        String url = server.baseUrl().toString();
        Files.writeString(dir.resolve("t.txt"), "no placeholder");
        Files.createDirectories(dir.resolve("empty"));
        List<String[]> cases = List.of(
                new String[] {"eval", "--model", dir.resolve("empty").toString(), "--data", data.toString()},
                new String[] {"eval", "--launch-config", dir.resolve("nope.yaml").toString(), "--data", data.toString()},
                new String[] {"eval", "--data", data.toString()},
                new String[] {"eval", "--base-url", url, "--model", dir.toString(), "--data", data.toString()},
                new String[] {"eval", "--base-url", url},
                new String[] {"eval", "--model", dir.resolve("nope").toString(), "--data", data.toString()},
                new String[] {"eval", "--model", dir.toString(), "--served-model-name", "m", "--data", data.toString()},
                new String[] {"eval", "--base-url", url, "--data", data.toString(), "--template", dir.resolve("nope").toString()},
                new String[] {"eval", "--base-url", url, "--data", data.toString(), "--template", dir.resolve("t.txt").toString()},
                new String[] {"eval", "--base-url", url, "--data", data.toString(), "--k", "4", "--temperature", "0"},
                new String[] {"eval", "--base-url", url, "--bench", "nope"},
                new String[] {"eval", "--base-url", "ftp://x", "--data", data.toString()},
                new String[] {"eval", "--base-url", url + "/v1", "--data", data.toString()},
                new String[] {"eval", "--base-url", url, "--api-key-env", "PRIME4J_TEST_UNSET_KEY_VAR", "--data", data.toString()});
        for (String[] c : cases) {
            CliRun r = CliRun.of(c);
            assertThat(r.exit()).as(String.join(" ", c) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err().strip()).as(String.join(" ", c)).startsWith("prime4j eval: ").doesNotContain("\n");
            System.out.println(String.join(" ", c).replace(dir.toString(), "DIR").replace(url, "URL") + "\n  -> exit "
                    + r.exit() + ": " + r.err().strip().replace(dir.toString(), "DIR"));
        }
    }
}
