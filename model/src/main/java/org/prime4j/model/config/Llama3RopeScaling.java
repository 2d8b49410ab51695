package org.prime4j.model.config;

/**
 * Llama 3.1's {@code rope_scaling} ({@code rope_type: "llama3"}): rotary frequencies whose wavelength exceeds
 * {@code originalMaxPositionEmbeddings / lowFreqFactor} are divided by {@code factor}, those shorter than
 * {@code originalMaxPositionEmbeddings / highFreqFactor} are kept, and those between are interpolated
 * smoothly (Hugging Face's {@code _compute_llama3_parameters}; the attention scale stays 1).
 *
 * @param factor                        how much longer the context gets (8 in Llama 3.1)
 * @param lowFreqFactor                 1 in Llama 3.1
 * @param highFreqFactor                4 in Llama 3.1
 * @param originalMaxPositionEmbeddings the pre-training context (8192 in Llama 3.1)
 */
public record Llama3RopeScaling(double factor, double lowFreqFactor, double highFreqFactor,
                                int originalMaxPositionEmbeddings) {

    public static final String ROPE_TYPE = "llama3";

    public Llama3RopeScaling {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("factor must be > 0, got " + factor);
        }
        if (!(lowFreqFactor > 0)) {
            throw new IllegalArgumentException("low_freq_factor must be > 0, got " + lowFreqFactor);
        }
        if (!(highFreqFactor > lowFreqFactor)) {
            throw new IllegalArgumentException("high_freq_factor (" + highFreqFactor
                    + ") must be greater than low_freq_factor (" + lowFreqFactor + ")");
        }
        if (originalMaxPositionEmbeddings <= 0) {
            throw new IllegalArgumentException("original_max_position_embeddings must be > 0, got "
                    + originalMaxPositionEmbeddings);
        }
    }

    /**
     * Rewrites plain inverse frequencies in place, in float arithmetic as torch does on float32 tensors, so
     * the result matches transformers' to the last bit or nearly.
     */
    public void rescale(float[] invFreq) {
        float oldContext = originalMaxPositionEmbeddings;
        float lowFreqWavelen = oldContext / (float) lowFreqFactor;
        float highFreqWavelen = oldContext / (float) highFreqFactor;
        for (int k = 0; k < invFreq.length; k++) {
            float inv = invFreq[k];
            float wavelen = (float) (2 * Math.PI) / inv;
            if (wavelen > lowFreqWavelen) {
                invFreq[k] = inv / (float) factor;
            } else if (!(wavelen < highFreqWavelen)) {
                float smooth = (oldContext / wavelen - (float) lowFreqFactor)
                        / (float) (highFreqFactor - lowFreqFactor);
                invFreq[k] = (1 - smooth) * inv / (float) factor + smooth * inv;
            }
        }
    }
}
