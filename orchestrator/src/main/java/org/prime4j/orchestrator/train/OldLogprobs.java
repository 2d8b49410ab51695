package org.prime4j.orchestrator.train;


/** Where PPO's old (behaviour) log-probs come from (docs/design.md step 9). */
public enum OldLogprobs {
    /** Recomputed by the trainer before the first update (default: exact ratio 1 at the first mini-batch). */
    TRAINER,
    /** The sampler's own log-probs (cheaper; carries the train/inference mismatch into the ratio). */
    SERVER;

    /** Parses the config spelling ({@code trainer}, {@code server}). */
    public static OldLogprobs parse(String s) {
        for (OldLogprobs o : values()) {
            if (o.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return o;
            }
        }
        throw new IllegalArgumentException("old_logprobs must be trainer or server; got " + s);
    }

}
