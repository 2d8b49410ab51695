package org.prime4j.verifiers.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.prime4j.verifiers.VerificationItem;

class TestSuitesTest {

    private static TestSuite parse(VerificationItem item) throws BadTestSpecException {
        return TestSuites.from(item, "CODE", 10);
    }

    @Test
    void eurusGroundTruthStdio() throws Exception {
        TestSuite s = parse(VerificationItem.of("", "{\"inputs\": [\"1\\n\", [\"2\", \"3\"]], \"outputs\": [\"1\", 5]}"));
        assertThat(s.kind()).isEqualTo(TestKind.STDIO);
        assertThat(s.program()).isEqualTo("CODE");
        assertThat(s.tests()).hasSize(2);
        assertThat(s.tests().get(1).get("input").toString()).isEqualTo("[\"2\",\"3\"]");
        assertThat(s.tests().get(1).get("output").asText()).isEqualTo("5");
    }

    @Test
    void doublyEncodedGroundTruthAndCallBased() throws Exception {
        String inner = "{\"fn_name\": \"f\", \"inputs\": [[1, 2], 3], \"outputs\": [[3], [3]]}";
        TestSuite s = parse(VerificationItem.of("", Items.JSON.writeValueAsString(inner)));
        assertThat(s.kind()).isEqualTo(TestKind.CALL);
        assertThat(s.fnName()).isEqualTo("f");
        assertThat(s.tests().get(0).get("args").toString()).isEqualTo("[1,2]");
        assertThat(s.tests().get(1).get("args").toString()).as("a bare input is one argument").isEqualTo("[3]");
    }

    @Test
    void liveCodeBenchCallLayout() throws Exception {
        String gt = "{\"fn_name\": \"f\", \"inputs\": [\"[1, 2]\\n\\\"a\\\"\"], \"outputs\": [\"[3]\"]}";
        TestSuite s = parse(VerificationItem.of("", gt));
        assertThat(s.tests().get(0).get("args").toString()).isEqualTo("[[1,2],\"a\"]");
        assertThat(s.tests().get(0).get("expected").toString()).isEqualTo("[3]");
        assertThatThrownBy(() -> parse(VerificationItem.of("",
                "{\"fn_name\": \"f\", \"inputs\": [\"[1, \"], \"outputs\": [\"1\"]}")))
                .hasMessage("ground_truth.inputs[0]: a call's arguments must be JSON, one per line: [1, ");
    }

    @Test
    void testsFromExtraFieldsAndTestCases() throws Exception {
        TestSuite s = parse(Items.withExtra("", "{\"test_cases\": \"{\\\"inputs\\\": [\\\"1\\\"], \\\"outputs\\\": [\\\"1\\\"]}\"}"));
        assertThat(s.kind()).isEqualTo(TestKind.STDIO);
        TestSuite t = parse(Items.withExtra("", "{\"inputs\": [\"1\"], \"outputs\": [\"2\"]}"));
        assertThat(t.tests().get(0).get("output").asText()).isEqualTo("2");
    }

    @Test
    void cutsToMaxTests() throws Exception {
        TestSuite s = TestSuites.from(VerificationItem.of("",
                "{\"inputs\": [\"1\",\"2\",\"3\"], \"outputs\": [\"1\",\"2\",\"3\"]}"), "C", 2);
        assertThat(s.tests()).hasSize(2);
    }

    @Test
    void humanEvalContinuationVersusFullFunction() throws Exception {
        String extra = "{\"prompt\": \"import math\\ndef f(x):\\n    \\\"\\\"\\\"doc\\\"\\\"\\\"\\n\", \"entry_point\": \"f\","
                + " \"test\": \"def check(c):\\n    assert c(1) == 1\\n\"}";
        VerificationItem item = Items.withExtra("", extra);
        TestSuite body = TestSuites.from(item, "    return x\n", 10);
        assertThat(body.program()).isEqualTo("import math\ndef f(x):\n    \"\"\"doc\"\"\"\n    return x\n");
        assertThat(body.tests().get(0).asText()).endsWith("\n\ncheck(f)\n");
        TestSuite full = TestSuites.from(item, "def f(x):\n    return x\n", 10);
        assertThat(full.program()).isEqualTo("import math\ndef f(x):\n    \"\"\"doc\"\"\"\n\n\ndef f(x):\n    return x\n");
    }

    @Test
    void mbppWithSetupAndImports() throws Exception {
        TestSuite s = parse(Items.withExtra("", "{\"test_list\": [\"assert f() == 1\", \"assert f() != 2\"],"
                + " \"test_setup_code\": \"X = 1\", \"test_imports\": [\"import math\"]}"));
        assertThat(s.kind()).isEqualTo(TestKind.ASSERT);
        assertThat(s.setup()).isEqualTo("import math\nX = 1");
        assertThat(s.tests()).hasSize(2);
    }

    @Test
    void malformedSpecsNameTheField() {
        assertThatThrownBy(() -> parse(VerificationItem.of("", "{inputs: [")))
                .isInstanceOf(BadTestSpecException.class).hasMessageStartingWith("ground_truth: not JSON");
        assertThatThrownBy(() -> parse(VerificationItem.of("", "[1, 2]")))
                .hasMessage("ground_truth: expected a JSON object, got ARRAY");
        assertThatThrownBy(() -> parse(VerificationItem.of("", "{\"inputs\": \"1\", \"outputs\": [\"1\"]}")))
                .hasMessage("ground_truth.inputs: expected an array, got STRING");
        assertThatThrownBy(() -> parse(VerificationItem.of("", "{\"inputs\": [\"1\"]}")))
                .hasMessage("ground_truth.outputs: missing");
        assertThatThrownBy(() -> parse(VerificationItem.of("", "{\"inputs\": [{\"a\": 1}], \"outputs\": [\"1\"]}")))
                .hasMessage("ground_truth.inputs[0]: expected a string or an array of lines, got OBJECT");
        assertThatThrownBy(() -> parse(Items.withExtra("", "{\"test\": \"def check(c): pass\"}")))
                .hasMessage("entry_point: missing");
        assertThatThrownBy(() -> parse(Items.withExtra("", "{\"test\": \"x\", \"entry_point\": \"f(\"}")))
                .hasMessage("entry_point: not a Python identifier: f(");
        assertThatThrownBy(() -> parse(Items.withExtra("", "{\"test_list\": [\"assert 1\", 2]}")))
                .hasMessage("test_list[1]: expected a string");
        assertThatThrownBy(() -> parse(VerificationItem.of("", "")))
                .hasMessageStartingWith("ground_truth: no tests");
    }
}
