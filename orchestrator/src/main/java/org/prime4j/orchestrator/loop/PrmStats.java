package org.prime4j.orchestrator.loop;

import org.prime4j.orchestrator.train.PrmResult;

/** The implicit PRM's step in the metrics (step 6); see {@link PrmResult}. */
public record PrmStats(double prmLoss, double prmPairwiseAccuracy, double prmGradNorm) {

    /** A step that did not train: written as nulls. */
    public static final PrmStats NONE = new PrmStats(Double.NaN, Double.NaN, Double.NaN);

    static PrmStats of(PrmResult r) {
        return new PrmStats(r.loss(), r.pairwiseAccuracy(), r.gradNorm());
    }
}
