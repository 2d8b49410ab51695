package org.prime4j.orchestrator.loop;

import java.util.List;
import org.prime4j.orchestrator.prime.PrmDiagnostics;
import org.prime4j.orchestrator.train.PrmResult;
import org.prime4j.orchestrator.train.TrainSample;

/**
 * The implicit PRM's step in the metrics (step 6); see {@link PrmResult}. The ranking diagnostics are of the
 * outcome logit before this step's update (for every update order), on the fresh batch:
 *
 * @param prmAuc              AUC of the logit for correct vs wrong responses (NaN: one class only)
 * @param prmLengthAuc        AUC of response length alone: the confound the PRM must beat
 * @param prmLogitLengthCorr  Pearson correlation of the logit with response length
 */
public record PrmStats(double prmLoss, double prmPairwiseAccuracy, double prmGradNorm, double prmAuc,
                       double prmLengthAuc, double prmLogitLengthCorr) {

    /** A step that did not train: written as nulls. */
    public static final PrmStats NONE = new PrmStats(Double.NaN, Double.NaN, Double.NaN);

    /** Without the ranking diagnostics. */
    public PrmStats(double prmLoss, double prmPairwiseAccuracy, double prmGradNorm) {
        this(prmLoss, prmPairwiseAccuracy, prmGradNorm, Double.NaN, Double.NaN, Double.NaN);
    }

    static PrmStats of(PrmResult r, List<TrainSample> batch) {
        double[] outcomes = new double[batch.size()];
        double[] lengths = new double[batch.size()];
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = batch.get(i).outcome();
            lengths[i] = batch.get(i).responseIds().length;
        }
        double[] logits = r.preUpdateLogits();
        return new PrmStats(r.loss(), r.pairwiseAccuracy(), r.gradNorm(), PrmDiagnostics.auc(logits, outcomes),
                PrmDiagnostics.auc(lengths, outcomes), PrmDiagnostics.correlation(logits, lengths));
    }
}
