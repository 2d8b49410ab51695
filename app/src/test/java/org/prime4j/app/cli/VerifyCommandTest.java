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

    /**
     * Symja prints messages such as {@code $IterationLimit: Iteration limit of 1000 exceeded ...} and
     * {@code Power: Indeterminate expression 0^0 encountered.} on System.out; without --output that is where
     * the scored JSONL goes, so every stdout line must still be one JSON object per input line.
     */
    @Test
    void withoutOutputStdoutHoldsOnlyTheScoredJsonLines() throws Exception {
        Path in = dir.resolve("cas.jsonl");
        Files.writeString(in, String.join("\n",
                "{\"id\": 1, \"response\": \"\\\\boxed{\\\\prod_{k=1}^{10^{9}} k}\", \"ground_truth\": \"x\", \"ability\": \"math\"}",
                "{\"id\": 2, \"response\": \"\\\\boxed{0^0}\", \"ground_truth\": \"x\", \"ability\": \"math\"}",
                "{\"id\": 3, \"response\": \"\\\\boxed{7}\", \"ground_truth\": \"7\", \"ability\": \"math\"}") + "\n");
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        CliRun r;
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            r = CliRun.of("verify", "--input", in.toString(), "--no-progress", "--timeout", "10", "--parallelism", "1");
        } finally {
            System.setOut(stdout);
        }
        assertThat(r.exit()).isZero();
        List<String> lines = captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        ObjectMapper json = new ObjectMapper();
        assertThat(lines).hasSize(3);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(json.readTree(lines.get(i)).get("id").asInt()).as(lines.get(i)).isEqualTo(i + 1);
        }
        assertThat(json.readTree(lines.get(2)).get("score").asDouble()).isEqualTo(1.0);
        assertThat(System.out).isSameAs(stdout);
    }

    @Test
    void explainShowsBothAnswersTheirNormalFormsAndTheRule() {
        CliRun r = CliRun.of("verify", "--explain", "--response", "so the roots are $\\boxed{2}$ and $\\boxed{1}$.",
                "--ground-truth", "The roots are $x = 1$ and $x = 2$, so the answer is $\\boxed{1, 2}$.");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                "score: 1.0",
                "reason: correct (set)",
                "gold answer:         1, 2",
                "response answer:     2, 1",
                "gold normalized:     1, 2",
                "response normalized: 2, 1",
                "rule:                set");

        CliRun wrong = CliRun.of("verify", "--explain", "--response", "Final Answer: The largest $n$ is 33.",
                "--ground-truth", "$x = 34$");
        assertThat(wrong.out().lines().toList()).containsExactly(
                "score: 0.0",
                "reason: wrong answer: 33 != $x = 34$",
                "gold answer:         $x = 34$",
                "response answer:     33",
                "gold normalized:     34",
                "response normalized: 33",
                "rule:                no rule found them equal");

        assertThat(CliRun.of("verify", "--explain", "--input", "items.jsonl").err()).contains("--explain goes with --response");
        assertThat(CliRun.of("verify", "--explain", "--verifier", "code", "--response", "x", "--ground-truth", "y").err())
                .contains("--explain works with the math verifier");
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
