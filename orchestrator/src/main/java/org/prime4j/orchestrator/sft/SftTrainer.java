package org.prime4j.orchestrator.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.PaddedBatch;
import org.prime4j.model.score.TokenLogprobs;
import org.prime4j.model.train.AdamW;

/**
 * Teacher-forced cross-entropy on response tokens only (prompt and padding masked), token mean over the
 * batch, left padding (so positions match generation's), AdamW with global-norm clipping.
 */
public final class SftTrainer implements AutoCloseable {

    private final CausalLM model;
    private final AdamW optimizer;
    private final double maxGradNorm;

    public SftTrainer(CausalLM model, double lr, double weightDecay, double maxGradNorm) {
        this.model = model;
        this.maxGradNorm = maxGradNorm;
        model.setTrainable(true);
        this.optimizer = new AdamW(model.manager(), model.parameters(), AdamW.Settings.of(lr, weightDecay));
    }

    /** One optimizer step at learning rate {@code lr}; returns the batch's mean response-token loss. */
    public double step(List<SftExample> batch, double lr) {
        optimizer.setLearningRate(lr);
        List<int[]> seqs = new ArrayList<>(batch.size());
        batch.forEach(e -> seqs.add(e.sequence()));
        PaddedBatch padded = PaddedBatch.leftPad(seqs, 0);
        double loss;
        try (NDManager call = model.manager().newSubManager();
             GradientCollector gc = DjlRuntime.pytorch().newGradientCollector()) {
            NDArray logprobs = TokenLogprobs.compute(model, call, padded);
            NDArray mask = call.create(responseMask(batch, padded), new Shape(padded.rows(), padded.width() - 1));
            NDArray l = logprobs.mul(mask).sum().neg().div(mask.sum());
            gc.backward(l);
            loss = l.getFloat();
        }
        if (!Double.isFinite(loss)) {
            throw new IllegalStateException("SFT loss is " + loss + " at optimizer step " + (optimizer.steps() + 1));
        }
        optimizer.clipAndStep(1.0, maxGradNorm);
        return loss;
    }

    /** 1 where column j of the log-probs predicts a response token: the response is each row's last columns. */
    static float[] responseMask(List<SftExample> batch, PaddedBatch padded) {
        int cols = padded.width() - 1;
        float[] m = new float[padded.rows() * cols];
        for (int r = 0; r < batch.size(); r++) {
            int n = batch.get(r).responseIds().length;
            for (int j = cols - n; j < cols; j++) {
                m[r * cols + j] = 1f;
            }
        }
        return m;
    }

    public long steps() {
        return optimizer.steps();
    }

    @Override
    public void close() {
        optimizer.close();
        model.setTrainable(false);
    }
}
