package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {

    @TempDir Path dir;



    @Test
    void oneResponsePrintsScoreAndReason() {
        CliRun r = CliRun.of("verify", "--verifier", "math", "--response", "so $\\boxed{\\dfrac{1}{2}}$", "--ground-truth", "0.5");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("score: 1.0\nreason: correct (numeric)\n".replace("\n", System.lineSeparator()));

        CliRun wrong = CliRun.of("verify", "--response", "\\boxed{3}", "--ground-truth", "$4$");
        assertThat(wrong.out()).contains("score: 0.0", "reason: wrong answer: 3 != $4$");
    }

    @Test
    void aFileIsScoredInOrderAndBadLinesAreNamedWithoutStoppingTheRun() throws Exception {
        Path in = dir.resolve("items.jsonl");
        Files.writeString(in, String.join("\n",
                "{\"id\": 1, \"response\": \"\\\\boxed{7}\", \"ground_truth\": \"7\", \"verifier\": \"math\"}",
                "{\"id\": 2, \"response\": \"oops\"",
                "",
                "{\"id\": 3, \"ground_truth\": \"7\", \"ability\": \"math\"}",
                "{\"id\": 4, \"response\": \"\\\\boxed{8}\", \"ground_truth\": \"7\", \"ability\": \"math\"}",
                "{\"id\": 5, \"response\": \"x\", \"ground_truth\": \"7\", \"verifier\": \"chess\"}",
                "{\"id\": 6, \"response\": \"The answer is 12.\", \"reward_model\": {\"ground_truth\": \"12\"}, \"ability\": \"math\", \"big\": 1.000000000000000001}",
                "[1, 2]") + "\n");
        Path out = dir.resolve("scored.jsonl");
        CliRun r = CliRun.of("verify", "--input", in.toString(), "--output", out.toString(), "--no-progress");
        assertThat(r.exit()).isZero();

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            lines.add(json.readTree(l));
        }
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0).get("id").asInt()).isEqualTo(1);
        assertThat(lines.get(0).get("score").asDouble()).isEqualTo(1.0);
        assertThat(lines.get(1).get("raw").asText()).isEqualTo("{\"id\": 2, \"response\": \"oops\"");
        assertThat(lines.get(1).get("reason").asText()).startsWith("error: line 2: not valid JSON");
        assertThat(lines.get(2).get("reason").asText()).isEqualTo("error: line 4: missing text field 'response'");
        assertThat(lines.get(3).get("score").asDouble()).isEqualTo(0.0);
        assertThat(lines.get(3).get("reason").asText()).isEqualTo("wrong answer: 8 != 7");
        assertThat(lines.get(4).get("reason").asText()).startsWith("error: line 6: unknown verifier 'chess' (known: ");
        assertThat(lines.get(5).get("score").asDouble()).isEqualTo(1.0);
        assertThat(Files.readAllLines(out).get(5)).contains("1.000000000000000001");
        assertThat(lines.get(6).get("reason").asText()).isEqualTo("error: line 8: not a JSON object");
        assertThat(r.err()).contains("line 2: not valid JSON", "line 4: missing", "line 6: unknown verifier",
                "7 lines scored", "4 errors");
    }

    @Test
    void aBadPluginJarIsNamed() throws Exception {
        Path bad = Files.writeString(dir.resolve("broken.jar"), "not a jar");
        CliRun r = CliRun.of("verify", "--plugins", dir.toString(), "--response", "1", "--ground-truth", "1");
        assertThat(r.exit()).isEqualTo(VerifyCommand.EXIT_BAD_INPUT);
        assertThat(r.err()).contains(bad.toString(), "not a readable jar");
    }

    @Test
    void theModeMustBeClear() {
        assertThat(CliRun.of("verify").exit()).isEqualTo(2);
        assertThat(CliRun.of("verify", "--response", "1").err()).contains("--response and --ground-truth go together");
        assertThat(CliRun.of("verify", "--input", dir.resolve("none.jsonl").toString()).err()).contains("does not exist");
        assertThat(CliRun.of("verify", "--response", "1", "--ground-truth", "1", "--verifier", "chess").err())
                .contains("unknown verifier 'chess'");
    }
}
