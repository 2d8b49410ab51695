package org.prime4j.verifiers.math;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prime4j.verifiers.VerificationItem;

/** AIME 2024 and AMC 2023 from the repository's benchmark data: integer answers, AMC's stored as floats. */
class CompetitionAnswersTest {

    private static final MathVerifier VERIFIER = new MathVerifier();

    private static List<JsonNode> rows(String name) throws IOException {
        Path file = org.prime4j.testkit.RepoFiles.bench(name);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(json.readTree(line));
        }
        return out;
    }

    @Test
    void everyAimeSolutionVerifiesAndAnOffByOneAnswerDoesNot() throws IOException {
        List<JsonNode> aime = rows("aime24_test.jsonl");
        assertThat(aime).hasSize(30);
        for (JsonNode row : aime) {
            String answer = row.get("answer").asText();
            assertThat(VERIFIER.verify(VerificationItem.of(row.get("solution").asText(), answer)).score())
                    .as(row.get("id").asText()).isEqualTo(1.0);
            String wrong = "\\boxed{" + (Integer.parseInt(answer) + 1) + "}";
            assertThat(VERIFIER.verify(VerificationItem.of(wrong, answer)).score()).isEqualTo(0.0);
        }
    }

    @Test
    void amcAnswersStoredAsFloatsMatchIntegerResponses() throws IOException {
        List<JsonNode> amc = rows("amc23_test.jsonl");
        assertThat(amc).hasSize(40);
        for (JsonNode row : amc) {
            String answer = row.get("answer").asText(); // e.g. "27.0"
            long value = Math.round(row.get("answer").asDouble());
            assertThat(VERIFIER.verify(VerificationItem.of("The final answer is $" + value + "$.", answer)).score())
                    .as(answer).isEqualTo(1.0);
            assertThat(VERIFIER.verify(VerificationItem.of("\\boxed{" + (value + 1) + "}", answer)).score())
                    .as(answer).isEqualTo(0.0);
        }
    }
}
