package org.prime4j.orchestrator.train;

/**
 * One response of a rollout batch, as the trainers see it: token ids (the sampler's, never re-tokenized text),
 * the sampler's log-probs, the reference model's log-probs and the verifier's outcome.
 *
 * @param promptIds      prompt token ids (at least one: the first response token needs a context)
 * @param responseIds    response token ids (at least one)
 * @param serverLogprobs the sampler's log-prob of each response token; null when the server did not return
 *                       them (then {@code old_logprobs: server} is unavailable and no mismatch is reported)
 * @param refLogprobs    the reference model's log-prob of each response token (teacher forcing); needed by
 *                       the implicit PRM and by the KL term, may be null otherwise
 * @param outcome        the verifier's score in [0, 1]
 */
public record TrainSample(int[] promptIds, int[] responseIds, float[] serverLogprobs, float[] refLogprobs,
                          double outcome) {

    public TrainSample {
        if (promptIds == null || promptIds.length == 0) {
            throw new IllegalArgumentException("promptIds must hold at least one token");
        }
        if (responseIds == null || responseIds.length == 0) {
            throw new IllegalArgumentException("responseIds must hold at least one token");
        }
        requireResponseLength("serverLogprobs", serverLogprobs, responseIds.length);
        requireResponseLength("refLogprobs", refLogprobs, responseIds.length);
        if (!(outcome >= 0 && outcome <= 1)) {
            throw new IllegalArgumentException("outcome must be in [0, 1], got " + outcome);
        }
    }

    private static void requireResponseLength(String field, float[] values, int n) {
        if (values == null) {
            return;
        }
        if (values.length != n) {
            throw new IllegalArgumentException(field + " has " + values.length + " entries for " + n
                    + " response tokens");
        }
        for (int t = 0; t < n; t++) {
            if (!Float.isFinite(values[t])) {
                throw new IllegalArgumentException(field + "[" + t + "] is not finite: " + values[t]);
            }
        }
    }

    /** Tokens of prompt and response, in order: the sequence the model is teacher-forced on. */
    public int[] sequence() {
        int[] s = new int[promptIds.length + responseIds.length];
        System.arraycopy(promptIds, 0, s, 0, promptIds.length);
        System.arraycopy(responseIds, 0, s, promptIds.length, responseIds.length);
        return s;
    }
}
