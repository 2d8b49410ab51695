package org.prime4j.verifiers.math;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.runtime.VerificationPool;

/** The acceptance check on MATH-500: each solution's boxed answer verifies against its answer. */
class Math500Test {

    private static final MathVerifier VERIFIER = new MathVerifier();
    private static List<JsonNode> cached;

    /**
     * The benchmark rows, read on first use inside a test (not in {@code @BeforeAll}): a missing or unreadable
     * file then fails each test that needs it, by name, instead of dropping the class's tests from the counts.
     */
    private static synchronized List<JsonNode> rows() throws IOException {
        if (cached == null) {
            Path file = org.prime4j.testkit.RepoFiles.bench("math500_test.jsonl");
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> read = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                read.add(json.readTree(line));
            }
            cached = read;
        }
        return cached;
    }

    @Test
    void everySolutionsBoxedAnswerVerifiesAgainstItsAnswer() throws IOException {
        List<JsonNode> rows = rows();
        List<String> failures = new ArrayList<>();
        for (JsonNode row : rows) {
            Verification v = VERIFIER.verify(VerificationItem.of(row.get("solution").asText(), row.get("answer").asText()));
            if (v.score() != 1.0) {
                failures.add(row.get("unique_id").asText() + ": " + v.reason());
            }
        }
        System.out.printf("MATH-500: %d/%d solutions verify%n", rows.size() - failures.size(), rows.size());
        assertThat(rows).hasSize(500);
        assertThat(failures).as("solutions that do not verify").hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void theGoldAnswerWrappedInDollarsStillVerifies() throws IOException {
        List<JsonNode> rows = rows();
        int ok = 0;
        for (JsonNode row : rows) {
            String answer = row.get("answer").asText();
            ok += VERIFIER.verify(VerificationItem.of("The answer is $\\boxed{" + answer + "}$.", "$" + answer + "$")).score() == 1.0 ? 1 : 0;
        }
        assertThat(ok).isEqualTo(rows.size());
    }

    @Test
    void aChangedNumberFailsForEveryNumericItem() throws IOException {
        List<JsonNode> rows = rows();
        int numeric = 0;
        List<String> accepted = new ArrayList<>();
        for (JsonNode row : rows) {
            String answer = row.get("answer").asText();
            Optional<String> perturbed = perturb(AnswerNormalizer.normalize(answer));
            if (perturbed.isEmpty()) {
                continue;
            }
            numeric++;
            Verification v = VERIFIER.verify(VerificationItem.of("So the result is $\\boxed{" + perturbed.get() + "}$.", answer));
            if (v.score() != 0.0) {
                accepted.add(row.get("unique_id").asText() + ": " + perturbed.get() + " vs " + answer);
            }
        }
        System.out.printf("MATH-500: %d numeric items, %d perturbed answers accepted%n", numeric, accepted.size());
        assertThat(numeric).isGreaterThan(250);
        assertThat(accepted).isEmpty();
    }

    @Test
    void twoWorkersAgreeWithOneThreadOnMismatchedAnswers() throws IOException {
        List<JsonNode> rows = rows();
        // Solutions against the next problem's answer: mostly wrong, many decided by the CAS, whose
        // evaluators are per thread; the pool must give exactly the sequential verdicts.
        List<VerificationItem> items = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            items.add(VerificationItem.of(rows.get(i).get("solution").asText(), rows.get(i + 1).get("answer").asText()));
        }
        List<Verification> sequential = new ArrayList<>();
        for (VerificationItem item : items) {
            sequential.add(VERIFIER.verify(item));
        }
        try (VerificationPool pool = new VerificationPool(2, Duration.ofSeconds(60))) {
            assertThat(pool.verifyAll(VERIFIER, items)).isEqualTo(sequential);
        }
        assertThat(sequential).filteredOn(v -> v.score() == 1.0).hasSize(1); // problems 22 and 23: "5" and "x=5"
    }

    /** The answer's value plus one, written like the answer (integer, decimal or fraction). */
    static Optional<String> perturb(String normalized) {
        Optional<Numbers.Value> value = Numbers.parse(normalized);
        if (value.isEmpty() || !Double.isFinite(value.get().value())) {
            return Optional.empty();
        }
        String s = normalized.replace(" ", "");
        if (s.matches("-?\\d+")) {
            return Optional.of(new BigInteger(s).add(BigInteger.ONE).toString());
        }
        if (s.matches("-?\\d*\\.\\d+")) {
            return Optional.of(new BigDecimal(s).add(BigDecimal.ONE).toPlainString());
        }
        java.util.regex.Matcher frac = java.util.regex.Pattern.compile("(-?)\\\\frac\\{(\\d+)\\}\\{(\\d+)\\}").matcher(s);
        if (frac.matches()) {
            BigInteger num = new BigInteger(frac.group(2));
            BigInteger den = new BigInteger(frac.group(3));
            BigInteger signed = frac.group(1).isEmpty() ? num : num.negate();
            BigInteger moved = signed.add(den);
            return Optional.of((moved.signum() < 0 ? "-" : "") + "\\frac{" + moved.abs() + "}{" + den + "}");
        }
        return Optional.of(BigDecimal.valueOf(value.get().value()).add(BigDecimal.ONE).toPlainString());
    }
}
