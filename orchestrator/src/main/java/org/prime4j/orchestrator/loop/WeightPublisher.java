package org.prime4j.orchestrator.loop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.WeightProbe;
import org.prime4j.client.protocol.ServerException;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.Directories;
import org.prime4j.model.io.HfCheckpoint;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.score.Scorer;

/**
 * PRIME step 10: the policy as an HF checkpoint in {@code weights/step-N} (written atomically, with the
 * tokenizer files, so it is a complete model for vLLM and for {@code prime4j eval}), then a reload on every
 * policy server, each checked by a {@link WeightProbe} against the trainer's own log-probs. The publish
 * succeeds when at least one server holds the new weights; the others are stale (out of sampling) until the
 * pool has reloaded them. Only the newest {@link #KEEP} published directories are kept.
 */
public final class WeightPublisher {

    public static final int KEEP = 2;
    private static final int PROBE_TOKENS = 8;

    private final Path weights;
    private final DType dtype;
    private final Path tokenizerSource;

    public WeightPublisher(Path weightsDir, DType dtype, Path tokenizerSource) {
        this.weights = weightsDir;
        this.dtype = dtype;
        this.tokenizerSource = tokenizerSource;
    }

    public Path publish(int step, CausalLM policy, RolloutClient servers) throws IOException, ServerException {
        Path dir = Directories.step(weights, step);
        HfCheckpoint.write(dir, policy.config(), policy.toHost(), dtype, 0, tokenizerSource);
        servers.reloadWeights(dir, probe(policy, dtype));
        Directories.pruneSteps(weights, KEEP);
        return dir;
    }

    /**
     * At the start of a run: {@code initial} (the directory the trainer's policy was loaded from) becomes the
     * weights every server must hold. Servers whose probe matches already hold them (embedded servers started
     * from that directory); every other one is reloaded from it, so no server samples with weights it was not
     * given (a remote server left at another run's weights, say).
     */
    public void adopt(Path initial, CausalLM policy, RolloutClient servers) throws ServerException {
        servers.adoptWeights(initial, probe(policy, dtype));
    }

    /**
     * Max |served - trainer| log-prob a server may show and still count as holding the published weights.
     * F32: both sides compute in float32 from identical weights, so only summation order differs (the
     * embedded server batches and pads differently): measured ~1e-6 on the tiny models, 1e-4 leaves room
     * for a GPU's kernels. F16 (10-bit mantissa) and BF16 (7-bit) round every weight by up to 2^-11 and 2^-8
     * relative, which moved the probe's log-probs by 2.0e-3 (F16) and 1.1e-2 (BF16) on the arithmetic SFT
     * model (WeightPublisherTest prints it); the tolerances are about 5x those, still far below what a stale
     * server shows (0.37 for weights scaled by 1.01 in that test; 0.57 and 0.87 in issue 12). A vLLM server
     * that computes in bf16 whatever it loads needs {@code run.publish_dtype: bf16} to pass.
     */
    static double tolerance(DType dtype) {
        return switch (dtype) {
            case F32 -> 1e-4;
            case F16 -> 1e-2;
            case BF16 -> 5e-2;
        };
    }

    /** A fixed prompt and response (spread over the vocabulary) with the trainer's log-probs of the response. */
    static WeightProbe probe(CausalLM policy, DType dtype) {
        int vocab = policy.config().vocabSize();
        int[] seq = new int[2 * PROBE_TOKENS];
        for (int i = 0; i < seq.length; i++) {
            seq[i] = (int) ((1L + 7919L * i) % vocab);
        }
        float[] all = Scorer.score(policy, List.of(seq), 0).get(0).logprobs(); // entry j scores token j + 1
        float[] expected = new float[PROBE_TOKENS];
        System.arraycopy(all, PROBE_TOKENS - 1, expected, 0, PROBE_TOKENS);
        int[] prompt = Arrays.copyOfRange(seq, 0, PROBE_TOKENS);
        int[] response = Arrays.copyOfRange(seq, PROBE_TOKENS, seq.length);
        return new WeightProbe(prompt, response, expected, tolerance(dtype));
    }
}
