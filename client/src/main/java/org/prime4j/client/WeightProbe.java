package org.prime4j.client;

import java.util.Arrays;
import java.util.Locale;

/**
 * A check that a server holds the weights it was given: a fixed prompt and response scored on the server with
 * {@code prompt_logprobs} must match the trainer's own log-probs of the same response within {@code tolerance}
 * (max absolute difference, in nats).
 *
 * @param expected the trainer's {@code log p(response[j] | prompt, response[<j])}, one per response token
 * @param tolerance set by the dtype the weights were published in (rounding moves the server's log-probs)
 */
public record WeightProbe(int[] prompt, int[] response, float[] expected, double tolerance) {

    public WeightProbe {
        if (prompt == null || prompt.length == 0 || response == null || response.length == 0) {
            throw new IllegalArgumentException("a weight probe needs a prompt and a response of at least one token");
        }
        if (expected == null || expected.length != response.length) {
            throw new IllegalArgumentException("a weight probe needs one expected log-prob per response token ("
                    + response.length + "), got " + (expected == null ? "none" : expected.length));
        }
        if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
            throw new IllegalArgumentException("weight probe tolerance must be a positive number, got " + tolerance);
        }
        prompt = prompt.clone();
        response = response.clone();
        expected = expected.clone();
    }

    /** Null when {@code served} matches within the tolerance, else what differs. */
    public String mismatch(float[] served) {
        if (served.length != expected.length) {
            return "the probe got " + served.length + " log-probs for " + expected.length + " response tokens";
        }
        double max = 0;
        int at = -1;
        for (int j = 0; j < served.length; j++) {
            double d = Math.abs((double) served[j] - expected[j]);
            if (!(d <= max)) { // NaN counts as the worst
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                at = j;
            }
        }
        return max <= tolerance ? null : String.format(Locale.ROOT,
                "probe log-probs differ from the trainer's by %.3g at response token %d (tolerance %.3g)", max, at,
                tolerance);
    }

    @Override
    public String toString() {
        return "WeightProbe[prompt=" + Arrays.toString(prompt) + ", response=" + Arrays.toString(response)
                + ", tolerance=" + tolerance + "]";
    }
}
