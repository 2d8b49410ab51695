package org.prime4j.orchestrator.loop;

import java.util.Locale;

/** The phases of one PRIME step, in order; errors and timings name them. */
public enum Phase {
    ROLLOUT, VERIFY, REF, PRM, ADVANTAGE, POLICY, PUBLISH, EVAL, CHECKPOINT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
