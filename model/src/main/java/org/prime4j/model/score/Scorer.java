package org.prime4j.model.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.PaddedBatch;

/**
 * The server's path to prompt log-probs: no gradient, everything in a per-call manager that is closed before
 * returning, results on the host. Temperature 1 (raw log-probs), as vLLM's {@code prompt_logprobs}.
 */
public final class Scorer {

    private Scorer() {}

    /**
     * Scores each sequence (at least one token each) in one left-padded batch.
     *
     * @param topK how many alternatives per position (0 for none)
     */
    public static List<SequenceScores> score(CausalLM model, List<int[]> sequences, int topK) {
        if (topK < 0 || topK > model.config().vocabSize()) {
            throw new IllegalArgumentException("topK must be in [0, vocab_size], got " + topK);
        }
        PaddedBatch batch = PaddedBatch.leftPad(sequences, 0);
        List<SequenceScores> out = new ArrayList<>(sequences.size());
        int w = batch.width() - 1;
        if (w == 0) {
            for (int r = 0; r < batch.rows(); r++) {
                out.add(new SequenceScores(new float[0], new int[0], new int[0][], new float[0][]));
            }
            return out;
        }
        try (NDManager call = model.manager().newSubManager()) {
            NDArray all = TokenLogprobs.nextTokenLogprobs(model.logits(call, batch));
            NDArray actual = TokenLogprobs.ofTargets(call, all, batch);
            float[] lp = actual.toFloatArray();
            long[] rank = all.gt(actual).sum(new int[] {2}).toType(DataType.INT64, false).toLongArray();
            float[] topVals = new float[0];
            long[] topIdx = new long[0];
            if (topK > 0) {
                NDList top = all.topK(topK, -1, true, true);
                topVals = top.get(0).toFloatArray();
                topIdx = top.get(1).toType(DataType.INT64, false).toLongArray();
            }
            for (int r = 0; r < batch.rows(); r++) {
                int start = batch.start(r);
                int n = w - start;
                float[] l = new float[n];
                int[] rk = new int[n];
                int[][] ti = new int[n][topK];
                float[][] tv = new float[n][topK];
                for (int j = 0; j < n; j++) {
                    int at = r * w + start + j;
                    l[j] = lp[at];
                    rk[j] = Math.toIntExact(rank[at] + 1);
                    for (int k = 0; k < topK; k++) {
                        ti[j][k] = Math.toIntExact(topIdx[at * topK + k]);
                        tv[j][k] = topVals[at * topK + k];
                    }
                }
                out.add(new SequenceScores(l, rk, ti, tv));
            }
        }
        return out;
    }
}
