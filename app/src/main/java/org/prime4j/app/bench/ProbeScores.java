package org.prime4j.app.bench;

import java.util.List;
import org.prime4j.orchestrator.arithmetic.ArithmeticChain;
import org.prime4j.orchestrator.prime.ImplicitPrm;
import org.prime4j.orchestrator.prime.PrmDiagnostics;

/**
 * What the probe measures of a PRM on one split, from its token log-ratios q.
 *
 * @param auc              AUC of the outcome logit beta * sum q (correct vs wrong)
 * @param lengthAuc        AUC of response length alone (the confound)
 * @param pairwiseAccuracy within-group accuracy of the logit on pairs with different outcomes
 * @param brier            mean (sigmoid(logit) - outcome)^2
 * @param loss             mean BCE of the logit (the PRM's training loss)
 * @param logitLengthCorr  Pearson correlation of the logit with response length
 * @param firstWrong       wrong arithmetic answers with a first wrong line among at least two lines
 * @param lowestIsFirstWrong   of those, the fraction whose lowest-reward line (sum of beta * q over the line's
 *                             tokens) is the first wrong line
 * @param lowestMeanIsFirstWrong the same with each line's mean token reward (no length effect within a response)
 * @param chance           the rate a uniformly random line would have, mean of 1 / lines
 * @param positional       the rate of always naming the most frequent first-wrong position (a PRM that learned
 *                         only where errors usually are, not which line is wrong here)
 */
public record ProbeScores(double auc, double lengthAuc, double pairwiseAccuracy, double brier, double loss,
                   double logitLengthCorr, int firstWrong, double lowestIsFirstWrong, double lowestMeanIsFirstWrong,
                   double chance, double positional) {

    static ProbeScores of(ProbeSamples data, double[][] q, double beta) {
        double[] outcomes = data.outcomes();
        double[] lengths = data.lengths();
        double[] logits = new double[q.length];
        double loss = 0;
        for (int i = 0; i < q.length; i++) {
            logits[i] = ImplicitPrm.outcomeLogit(q[i], beta);
            loss += ImplicitPrm.bceWithLogits(logits[i], outcomes[i]);
        }
        int n = 0;
        double hitSum = 0;
        double hitMean = 0;
        double chance = 0;
        java.util.Map<Integer, Integer> positions = new java.util.HashMap<>();
        for (int i = 0; i < q.length; i++) {
            List<String> reference = data.reference().get(i / data.k());
            if (reference == null || PrmDiagnostics.correct(outcomes[i])) {
                continue;
            }
            List<String> lines = ArithmeticChain.lines(String.join("", data.tokens().get(i)));
            int wrong = ArithmeticChain.firstWrongLine(lines, reference);
            if (wrong < 0 || lines.size() < 2) {
                continue;
            }
            int[] lineOf = ArithmeticChain.tokenLines(data.tokens().get(i), lines.size());
            double[] sum = new double[lines.size()];
            int[] count = new int[lines.size()];
            for (int t = 0; t < lineOf.length; t++) {
                sum[lineOf[t]] += beta * q[i][t];
                count[lineOf[t]]++;
            }
            double[] mean = new double[sum.length];
            for (int l = 0; l < sum.length; l++) {
                mean[l] = count[l] == 0 ? Double.POSITIVE_INFINITY : sum[l] / count[l];
                if (count[l] == 0) {
                    sum[l] = Double.POSITIVE_INFINITY;
                }
            }
            n++;
            hitSum += lowestIs(sum, wrong);
            hitMean += lowestIs(mean, wrong);
            chance += 1.0 / lines.size();
            positions.merge(wrong, 1, Integer::sum);
        }
        return new ProbeScores(PrmDiagnostics.auc(logits, outcomes), PrmDiagnostics.auc(lengths, outcomes),
                PrmDiagnostics.pairwiseAccuracy(logits, outcomes, data.k()), PrmDiagnostics.brier(logits, outcomes),
                loss / q.length, PrmDiagnostics.correlation(logits, lengths), n,
                n == 0 ? Double.NaN : hitSum / n, n == 0 ? Double.NaN : hitMean / n,
                n == 0 ? Double.NaN : chance / n,
                n == 0 ? Double.NaN : (double) positions.values().stream().max(Integer::compare).orElse(0) / n);
    }

    /**
     * 1 when line {@code line} alone has the lowest value, 1/m when it shares the minimum with m - 1 others (a
     * PRM that has not moved, all q = 0, scores chance, not the first line), else 0.
     */
    static double lowestIs(double[] v, int line) {
        double min = Double.POSITIVE_INFINITY;
        for (double x : v) {
            min = Math.min(min, x);
        }
        int ties = 0;
        for (double x : v) {
            ties += x == min ? 1 : 0;
        }
        return v[line] == min ? 1.0 / ties : 0;
    }
}
