package org.prime4j.orchestrator.train;


/** When the implicit PRM is updated relative to computing the process rewards (docs/design.md step 6). */
public enum PrmUpdate {
    /** Paper default: rewards come from the same pre-update forward pass that produced the gradient. */
    AFTER,
    /** Update first, then a second (no-grad) forward pass for the rewards. */
    BEFORE,
    /** No update: one no-grad forward pass (a frozen PRM). */
    NONE;

    /** Parses the config spelling ({@code after}, {@code before}, {@code none}). */
    public static PrmUpdate parse(String s) {
        for (PrmUpdate u : values()) {
            if (u.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return u;
            }
        }
        throw new IllegalArgumentException("prm_update must be one of after, before, none; got " + s);
    }

}
