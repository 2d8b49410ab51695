package org.prime4j.orchestrator.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.prime4j.model.nn.PaddedBatch;

/**
 * A micro-batch of samples as one left-padded batch, and the map between per-response host rows and the
 * (rows, width - 1) layout of teacher-forced log-probs, where response token t of row r sits in column
 * {@code logprobColumn(r, promptLength + t)}. Padding and prompt columns are 0 in every scattered array
 * and excluded by {@link #responseMask}.
 */
final class ResponseBatch {

    /** Any valid id: padding columns are masked out of attention and of every loss. */
    private static final int PAD_ID = 0;

    private final List<TrainSample> samples;
    private final PaddedBatch padded;
    private final int cols;

    ResponseBatch(List<TrainSample> samples) {
        this.samples = samples;
        List<int[]> seqs = new ArrayList<>(samples.size());
        for (TrainSample s : samples) {
            seqs.add(s.sequence());
        }
        this.padded = PaddedBatch.leftPad(seqs, PAD_ID);
        this.cols = padded.width() - 1;
    }

    PaddedBatch padded() {
        return padded;
    }

    int rows() {
        return samples.size();
    }

    /** Response tokens of some samples. */
    static long tokens(List<TrainSample> samples) {
        long n = 0;
        for (TrainSample s : samples) {
            n += s.responseIds().length;
        }
        return n;
    }

    private int column(int row, int t) {
        return padded.logprobColumn(row, samples.get(row).promptIds().length + t);
    }

    /** (rows, width - 1): 1 at response positions. */
    NDArray responseMask(NDManager call) {
        float[] m = new float[rows() * cols];
        for (int r = 0; r < rows(); r++) {
            for (int t = 0; t < samples.get(r).responseIds().length; t++) {
                m[r * cols + column(r, t)] = 1f;
            }
        }
        return create(call, m);
    }

    /** Per-response rows (one value per response token) into the (rows, width - 1) layout. */
    NDArray scatter(NDManager call, float[][] perResponse) {
        float[] flat = new float[rows() * cols];
        for (int r = 0; r < rows(); r++) {
            float[] v = perResponse[r];
            for (int t = 0; t < v.length; t++) {
                flat[r * cols + column(r, t)] = v[t];
            }
        }
        return create(call, flat);
    }

    /** Same as {@link #scatter(NDManager, float[][])} for double rows (advantages), narrowed to FP32. */
    NDArray scatter(NDManager call, double[][] perResponse) {
        float[][] f = new float[perResponse.length][];
        for (int r = 0; r < f.length; r++) {
            f[r] = new float[perResponse[r].length];
            for (int t = 0; t < f[r].length; t++) {
                f[r][t] = (float) perResponse[r][t];
            }
        }
        return scatter(call, f);
    }

    /** The response positions of a (rows, width - 1) array, back to per-response host rows. */
    float[][] gather(NDArray layout) {
        float[] flat = layout.toFloatArray();
        float[][] out = new float[rows()][];
        for (int r = 0; r < rows(); r++) {
            out[r] = new float[samples.get(r).responseIds().length];
            for (int t = 0; t < out[r].length; t++) {
                out[r][t] = flat[r * cols + column(r, t)];
            }
        }
        return out;
    }

    /** One value per row, e.g. the outcomes, as a (rows) array. */
    NDArray perRow(NDManager call, float[] values) {
        return call.create(values, new Shape(rows()));
    }

    private NDArray create(NDManager call, float[] flat) {
        return call.create(flat, new Shape(rows(), cols));
    }

    /** Cuts [from, to) into consecutive ranges of at most {@code size}. */
    static List<int[]> ranges(int from, int to, int size) {
        List<int[]> out = new ArrayList<>();
        for (int i = from; i < to; i += size) {
            out.add(new int[] {i, Math.min(to, i + size)});
        }
        return out;
    }
}
