package org.prime4j.verifiers.code;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * A program and the tests that score it, in the harness's wire layout.
 *
 * @param kind    the test layout
 * @param program the full program (for HumanEval: the prompt joined with the completion)
 * @param setup   code run before the program (MBPP {@code test_setup_code}); empty when none
 * @param fnName  the function called by CALL tests; empty otherwise
 * @param tests   STDIO {@code {"input","output"}}, CALL {@code {"args","expected"}}, ASSERT a code string;
 *                already cut to the counted ones
 */
public record TestSuite(TestKind kind, String program, String setup, String fnName, List<JsonNode> tests) {

    public TestSuite {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(program, "program");
        setup = setup == null ? "" : setup;
        fnName = fnName == null ? "" : fnName;
        tests = List.copyOf(tests);
        if (tests.isEmpty()) {
            throw new IllegalArgumentException("a test suite needs at least one test");
        }
        if (kind == TestKind.CALL && fnName.isBlank()) {
            throw new IllegalArgumentException("CALL tests need fnName");
        }
    }
}
