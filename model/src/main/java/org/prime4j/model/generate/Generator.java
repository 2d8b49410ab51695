package org.prime4j.model.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.KvCache;
import org.prime4j.model.nn.PaddedBatch;

/**
 * Batched autoregressive generation with a KV cache. Prompts are left padded; each row keeps its own positions,
 * sampling parameters, RNG, stop conditions and token budget; the batch runs until every row has finished.
 * One manager per call (and one per step inside it), so repeated calls leave nothing behind.
 */
public final class Generator {

    private Generator() {}

    /** One prompt and how to continue it. */
    public record Request(int[] prompt, SamplingParams params) {
        public Request {
            if (prompt == null || prompt.length == 0) {
                throw new IllegalArgumentException("prompt must hold at least one token");
            }
        }
    }

    /**
     * Generates for every request.
     *
     * @param detokenizer decodes a row's new tokens to text; needed only when a request has stop strings
     */
    public static List<Completion> generate(CausalLM model, List<Request> requests,
                                            Function<int[], String> detokenizer) {
        int rows = requests.size();
        int vocab = model.config().vocabSize();
        Set<Integer> eos = new HashSet<>(model.config().eosTokenIds());
        List<int[]> prompts = new ArrayList<>(rows);
        RowSampler[] samplers = new RowSampler[rows];
        int budget = 0;
        for (int r = 0; r < rows; r++) {
            Request q = requests.get(r);
            if (!q.params().stopStrings().isEmpty() && detokenizer == null) {
                throw new IllegalArgumentException("request " + r + " has stop strings but no detokenizer");
            }
            for (int id : q.prompt()) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("request " + r + ": prompt token " + id
                            + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            prompts.add(q.prompt());
            Long seed = q.params().seed();
            samplers[r] = new RowSampler(q.params(), seed != null ? seed : ThreadLocalRandom.current().nextLong());
            budget = Math.max(budget, q.params().maxTokens());
        }
        PaddedBatch batch = PaddedBatch.leftPad(prompts, 0);
        Row[] state = new Row[rows];
        for (int r = 0; r < rows; r++) {
            state[r] = new Row(requests.get(r).params(), batch.lengths()[r]);
        }

        // Grad mode is per thread in libtorch: a server or trainer thread would otherwise record (and hold) an
        // autograd graph for every step whenever the weights are trainable.
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager call = model.manager().newSubManager();
             KvCache cache = new KvCache(call, model.config().numHiddenLayers())) {
            int[] keyMask = batch.mask().clone();
            float[] logprobs = step(model, call, batch.ids(), rows, batch.width(), batch.positions(), keyMask, cache);
            int keys = batch.width();
            for (int s = 0; s < budget; s++) {
                long[] next = new long[rows];
                int[] positions = new int[rows];
                boolean anyActive = false;
                for (int r = 0; r < rows; r++) {
                    Row row = state[r];
                    if (row.finished != null) {
                        continue;
                    }
                    RowSampler.Choice c = samplers[r].next(logprobs, r * vocab, vocab);
                    row.accept(c, eos, detokenizer);
                    next[r] = c.token();
                    positions[r] = row.position++;
                    anyActive |= row.finished == null;
                }
                if (!anyActive) {
                    break;
                }
                int[] grown = new int[rows * (keys + 1)];
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(keyMask, r * keys, grown, r * (keys + 1), keys);
                    // A finished row keeps running (the batch is rectangular) but its new keys stay masked.
                    grown[r * (keys + 1) + keys] = state[r].finished == null ? 1 : 0;
                }
                keyMask = grown;
                keys++;
                logprobs = step(model, call, next, rows, 1, positions, keyMask, cache);
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        List<Completion> out = new ArrayList<>(rows);
        for (Row row : state) {
            out.add(row.completion());
        }
        return out;
    }

    private static float[] step(CausalLM model, NDManager call, long[] ids, int rows, int cols, int[] positions,
                                int[] keyMask, KvCache cache) {
        try (NDManager step = call.newSubManager()) {
            NDArray logits = model.forward(step, ids, rows, cols, positions, keyMask, cache, true);
            // Log-softmax on the device: one vectorized op instead of a host exp() per vocabulary entry per row.
            return logits.logSoftmax(-1).toFloatArray();
        }
    }

    /** Per-sequence progress. */
    private static final class Row {
        final SamplingParams params;
        int position;
        final List<Integer> tokens = new ArrayList<>();
        final List<Float> logprobs = new ArrayList<>();
        final List<int[]> topIds = new ArrayList<>();
        final List<float[]> topLogprobs = new ArrayList<>();
        Completion.FinishReason finished;
        Object stopReason;

        Row(SamplingParams params, int promptLength) {
            this.params = params;
            this.position = promptLength;
        }

        void accept(RowSampler.Choice c, Set<Integer> eos, Function<int[], String> detokenizer) {
            int t = c.token();
            tokens.add(t);
            logprobs.add(c.logprobs()[t]);
            if (params.logprobs() > 0) {
                int[] ids = RowSampler.top(c.logprobs(), params.logprobs());
                float[] vals = new float[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    vals[i] = c.logprobs()[ids[i]];
                }
                topIds.add(ids);
                topLogprobs.add(vals);
            }
            if (params.stopTokenIds().contains(t)) {
                finish(Completion.FinishReason.STOP, t);
            } else if (!params.ignoreEos() && eos.contains(t)) {
                finish(Completion.FinishReason.STOP, null);
            } else if (!params.stopStrings().isEmpty()) {
                String text = detokenizer.apply(ids());
                for (String s : params.stopStrings()) {
                    if (text.contains(s)) {
                        finish(Completion.FinishReason.STOP, s);
                        break;
                    }
                }
            }
            if (finished == null && tokens.size() >= params.maxTokens()) {
                finish(Completion.FinishReason.LENGTH, null);
            }
        }

        void finish(Completion.FinishReason reason, Object why) {
            finished = reason;
            stopReason = why;
        }

        int[] ids() {
            return tokens.stream().mapToInt(Integer::intValue).toArray();
        }

        Completion completion() {
            float[] lp = new float[logprobs.size()];
            for (int i = 0; i < lp.length; i++) {
                lp[i] = logprobs.get(i);
            }
            return new Completion(ids(), lp, topIds.toArray(new int[0][]), topLogprobs.toArray(new float[0][]),
                    finished, stopReason);
        }
    }
}
