package org.prime4j.verifiers.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.prime4j.verifiers.VerificationItem;

/** Symja's messages never reach the process's stdout or stderr (prime4j verify writes JSONL to stdout). */
class SymjaQuietTest {

    @Test
    void indeterminateAndIterationLimitMessagesAreNotPrinted() {
        MathVerifier verifier = new MathVerifier();
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        double zeroToZero;
        double product;
        System.setOut(capture);
        System.setErr(capture);
        try {
            // Symja says "Power: Indeterminate expression 0^0 encountered." and "$IterationLimit: Iteration
            // limit of 1000 exceeded for ..." for these, on its engine's print streams.
            zeroToZero = verifier.verify(VerificationItem.of("\\boxed{0^0}", "x")).score();
            product = verifier.verify(VerificationItem.of("\\boxed{\\prod_{k=1}^{10^{9}} k}", "x")).score();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertThat(zeroToZero).isZero();
        assertThat(product).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
