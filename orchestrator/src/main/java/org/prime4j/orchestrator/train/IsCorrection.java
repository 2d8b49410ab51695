package org.prime4j.orchestrator.train;

/**
 * How the PPO loss corrects for responses sampled by a policy other than the trainer's old one: the
 * sampler's numerics (bf16, other kernels) or, with {@code run.async}, weights one step older (docs/design.md
 * "Importance-sampling correction"). The ratio is rho_t = pi_old(y_t) / pi_sampler(y_t), from the trainer's
 * recomputed log-probs and the sampler's.
 */
public enum IsCorrection {
    /** No correction (the paper's PPO). */
    NONE,
    /** Token-level truncated IS: the PPO term of token t is weighted by min(rho_t, C), detached. */
    TOKEN_TIS,
    /** Sequence masking: a response whose geometric-mean ratio exp(mean_t log rho_t) leaves [1/C, C] is dropped. */
    SEQ_MASK;

    /** Parses the config spelling ({@code none}, {@code token_tis}, {@code seq_mask}). */
    public static IsCorrection parse(String s) {
        for (IsCorrection c : values()) {
            if (c.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("is_correction must be none, token_tis or seq_mask; got " + s);
    }
}
