package org.prime4j.verifiers.code;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.prime4j.verifiers.Verification;

/**
 * All 164 HumanEval canonical solutions pass; each with its return statements removed fails. Two items run at
 * a time, as on the 2-core CI machine.
 */
class HumanEvalTest {

    @Test
    void canonicalSolutionsPassAndReturnlessOnesFail() throws Exception {
        Path file = HumanEval.file();
        List<JsonNode> problems = HumanEval.problems(file);
        assertThat(problems).hasSize(164);
        CodeVerifier verifier = new CodeVerifier();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> checks = new ArrayList<>();
            for (JsonNode p : problems) {
                String solution = p.get("canonical_solution").asText();
                String id = p.get("task_id").asText();
                checks.add(pool.submit(() -> {
                    Verification good = verifier.verify(HumanEval.item(p, solution));
                    if (good.score() != 1.0) {
                        return id + " canonical: " + good.reason();
                    }
                    Verification bad = verifier.verify(HumanEval.item(p, HumanEval.withoutReturns(solution)));
                    return bad.score() == 0.0 ? null : id + " without return: " + bad.reason();
                }));
            }
            List<String> wrong = new ArrayList<>();
            for (Future<String> f : checks) {
                String w = f.get();
                if (w != null) {
                    wrong.add(w);
                }
            }
            assertThat(wrong).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }
}
