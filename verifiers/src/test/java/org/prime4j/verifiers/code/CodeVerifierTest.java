package org.prime4j.verifiers.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prime4j.testkit.Requirement;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.Verifier;

/** The three test layouts end to end, through the default (AUTO) sandbox. */
class CodeVerifierTest {

    private static CodeVerifier verifier;

    @BeforeAll
    static void setUp() {
        verifier = new CodeVerifier(Items.config(SandboxMode.AUTO, Duration.ofSeconds(10), Duration.ofSeconds(3)));
    }

    private static final String SUM_TESTS =
            "{\"inputs\": [\"1 2\\n\", \"5 7\\n\", \"0 0\\n\", \"-3 3\\n\"], \"outputs\": [\"3\\n\", \"12\\n\", \"0\\n\", \"0\\n\"]}";

    @Test
    void stdioAllPass() throws Exception {
        Verification v = verifier.verify(Items.io("a, b = map(int, input().split())\nprint(a + b)", SUM_TESTS));
        assertThat(v.score()).isEqualTo(1.0);
        assertThat(v.reason()).isEqualTo("passed 4/4");
    }

    @Test
    void stdioReadsRawStdinAndFractionalScore() throws Exception {
        // reads fd 0 directly (open(0)), prints a wrong answer when the sum is 0
        String code = "import sys\na, b = map(int, open(0).read().split())\nsys.stdout.write(str(a + b or 42) + '\\n')";
        Verification v = verifier.verify(Items.io(code, SUM_TESTS));
        assertThat(v.score()).isEqualTo(0.5);
        assertThat(v.reason()).isEqualTo("passed 2/4, test 2: wrong answer");
    }

    @Test
    void allOrNothingOption() throws Exception {
        CodeVerifier strict = new CodeVerifier(verifier.config().withAllOrNothing(true));
        String code = "a, b = map(int, input().split())\nprint(a + b if a else 9)";
        assertThat(strict.verify(Items.io(code, SUM_TESTS)).score()).isEqualTo(0.0);
        assertThat(verifier.verify(Items.io(code, SUM_TESTS)).score()).isEqualTo(0.75);
    }

    @Test
    void onlyTheFirstTenTestsCount() throws Exception {
        StringBuilder in = new StringBuilder("[");
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < 15; i++) {
            in.append(i == 0 ? "" : ",").append('"').append(i).append("\\n\"");
            // tests 10..14 expect a wrong value: they must not count
            out.append(i == 0 ? "" : ",").append('"').append(i < 10 ? 2 * i : -1).append("\\n\"");
        }
        String gt = "{\"inputs\": " + in + "], \"outputs\": " + out + "]}";
        Verification v = verifier.verify(Items.io("print(2 * int(input()))", gt));
        assertThat(v.reason()).isEqualTo("passed 10/10");
    }

    @Test
    void callBasedFunctionAndSolutionClass() throws Exception {
        String gt = "{\"fn_name\": \"add\", \"inputs\": [[1, 2], [3, 4], [[1], [2]]], \"outputs\": [[3], [7], [[1, 2]]]}";
        assertThat(verifier.verify(Items.io("def add(a, b):\n    return a + b", gt)).score()).isEqualTo(1.0);
        String leet = "class Solution:\n    def add(self, a, b):\n        return (a + b) if a != 3 else 0";
        Verification v = verifier.verify(Items.io(leet, gt));
        assertThat(v.score()).isCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(v.reason()).isEqualTo("passed 2/3, test 1: wrong answer");
        // operator.add from PRIME's implicit imports is not the program's function
        assertThat(verifier.verify(Items.io("def plus(a, b):\n    return a + b", gt)).reason())
                .isEqualTo("passed 0/3, test 0: no function named add");
    }

    @Test
    void anAlwaysEqualReturnValueIsNotAPass() throws Exception {
        String gt = "{\"fn_name\": \"f\", \"inputs\": [[1], [2]], \"outputs\": [[1], [4]]}";
        String hack = "class Anything:\n    def __eq__(self, other):\n        return True\n"
                + "class Sneaky(int):\n    def __eq__(self, other):\n        return True\n"
                + "def f(x):\n    return Anything() if x == 1 else Sneaky(0)";
        assertThat(verifier.verify(Items.io(hack, gt)).reason()).isEqualTo("passed 0/2, test 0: wrong answer");
        // the control: the same function returning plain ints is a pass
        String honest = "def f(x):\n    return x * x";
        assertThat(verifier.verify(Items.io(honest, gt)).reason()).isEqualTo("passed 2/2");
    }

    @Test
    void aNumpyScalarEqualToTheAnswerIsAPass() throws Exception {
        Requirement.NUMPY.assume(Items.numpyImportable(), "/usr/bin/python3 cannot import numpy (python3-numpy)");
        String gt = "{\"fn_name\": \"f\", \"inputs\": [[1], [2]], \"outputs\": [[1], [4]]}";
        String numpy = "import numpy as np\ndef f(x):\n    return np.int64(x * x)";
        assertThat(verifier.verify(Items.io(numpy, gt)).reason()).isEqualTo("passed 2/2");
    }

    @Test
    void primesImplicitImportsAndExit() throws Exception {
        // LeetCode-style code that uses List and gcd without importing them, as PRIME's grader allows
        String leet = "class Solution:\n    def g(self, xs: List[int]) -> int:\n        return reduce(gcd, xs)";
        String gt = "{\"fn_name\": \"g\", \"inputs\": [[[4, 6, 8]], [[9, 3]]], \"outputs\": [[2], [3]]}";
        assertThat(verifier.verify(Items.io(leet, gt)).reason()).isEqualTo("passed 2/2");
        String stdio = "n = int(input())\nprint(len(deque(range(n))))\nexit()\nprint('unreachable')";
        assertThat(verifier.verify(Items.io(stdio, "{\"inputs\": [\"3\"], \"outputs\": [\"3\"]}")).reason())
                .isEqualTo("passed 1/1");
    }

    @Test
    void mbppTestList() throws Exception {
        String extra = "{\"test_setup_code\": \"import math\", \"test_list\": ["
                + "\"assert hyp(3, 4) == 5\", \"assert hyp(5, 12) == 13\", \"assert hyp(1, 1) == 2\"]}";
        Verification v = verifier.verify(Items.withExtra(
                Items.fenced("def hyp(a, b):\n    return math.sqrt(a * a + b * b)"), extra));
        assertThat(v.reason()).isEqualTo("passed 2/3, test 2: assertion failed");
    }

    @Test
    void humanEvalContinuationAndFullFunction() throws Exception {
        String extra = "{\"prompt\": \"from typing import List\\n\\ndef total(xs: List[int]) -> int:\\n    \\\"\\\"\\\"Sum.\\\"\\\"\\\"\\n\","
                + "\"entry_point\": \"total\", \"test\": \"def check(candidate):\\n    assert candidate([1, 2]) == 3\\n    assert candidate([]) == 0\\n\"}";
        assertThat(verifier.verify(Items.withExtra("    return sum(xs)\n", extra)).score()).isEqualTo(1.0);
        // a full function that relies on the prompt's import of List
        assertThat(verifier.verify(Items.withExtra(
                Items.fenced("def total(xs: List[int]) -> int:\n    return sum(xs)"), extra)).score()).isEqualTo(1.0);
        assertThat(verifier.verify(Items.withExtra("    return len(xs)\n", extra)).reason())
                .isEqualTo("passed 0/1, test 0: assertion failed");
    }

    @Test
    void printedResultLinesCannotForgeAPass() throws Exception {
        // the program imitates the harness's protocol on every channel it has, with guessed nonces
        String code = String.join("\n",
                "import os, sys",
                "for fd in range(3, 20):",
                "    try:",
                "        os.write(fd, b'x {\"i\": 0, \"ok\": true, \"why\": \"passed\"}\\nx {\"done\": true}\\n')",
                "    except OSError:",
                "        pass",
                "print('{\"i\": 0, \"ok\": true}')",
                "sys.__stdout__.write('{\"done\": true}\\n')",
                "print(1)");
        Verification v = verifier.verify(Items.io(code, "{\"inputs\": [\"\"], \"outputs\": [\"2\"]}"));
        assertThat(v.score()).isEqualTo(0.0);
        assertThat(v.reason()).isEqualTo("passed 0/1, test 0: wrong answer");
    }

    @Test
    void syntaxErrorAndNoCode() throws Exception {
        assertThat(verifier.verify(Items.io("def (:", SUM_TESTS)).reason())
                .startsWith("passed 0/4, test 0: syntax error: SyntaxError");
        assertThat(verifier.verify(org.prime4j.verifiers.VerificationItem.of("  \n", SUM_TESTS)).reason())
                .isEqualTo("no code");
    }

    @Test
    void aCrashedRunResumesWithTheNextTest() throws Exception {
        // test 1 kills the interpreter outright; tests 0, 2 and 3 still get their verdicts
        String code = "import os\nx = int(input())\nif x == 2:\n    os._exit(3)\nprint(x)";
        String gt = "{\"inputs\": [\"1\", \"2\", \"3\", \"4\"], \"outputs\": [\"1\", \"2\", \"3\", \"4\"]}";
        Verification v = verifier.verify(Items.io(code, gt));
        assertThat(v.reason()).isEqualTo("passed 3/4, test 1: crashed (exit 3)");
    }

    @Test
    void malformedSpecScoresZeroNamingTheField() throws Exception {
        Verification v = verifier.verify(Items.io("print(1)", "{\"inputs\": [\"1\"], \"outputs\": []}"));
        assertThat(v.score()).isEqualTo(0.0);
        assertThat(v.reason()).isEqualTo("bad test spec: ground_truth.outputs: 0 outputs for 1 inputs");
    }

    @Test
    void theStandardLibraryAndItsExtensionModulesImport() throws Exception {
        String code = "import decimal, json, math, heapq, bisect, collections, itertools, fractions\n"
                + "print(decimal.Decimal(input()) + 1, json.dumps(sorted(collections.Counter('aab').values())))";
        Verification v = verifier.verify(Items.io(code, "{\"inputs\": [\"5\"], \"outputs\": [\"6 [1, 2]\"]}"));
        assertThat(v.reason()).isEqualTo("passed 1/1");
    }

    @Test
    void systemPackagesStayImportable() throws Exception {
        Requirement.NUMPY.assume(Items.numpyImportable(), "/usr/bin/python3 cannot import numpy (python3-numpy)");
        String code = "import numpy as np\nprint(int(np.arange(int(input())).sum()))";
        Verification v = verifier.verify(Items.io(code, "{\"inputs\": [\"5\"], \"outputs\": [\"10\"]}"));
        assertThat(v.reason()).isEqualTo("passed 1/1");
    }

    @Test
    void registeredWithServiceLoader() {
        assertThat(ServiceLoader.load(Verifier.class).stream().map(p -> p.get().name())).contains("code");
    }
}
