package org.prime4j.orchestrator.loop;

import java.io.IOException;
import java.nio.file.Path;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.Directories;
import org.prime4j.model.io.HfCheckpoint;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.protocol.ServerException;

/**
 * PRIME step 10: the policy as an HF checkpoint in {@code weights/step-N} (written atomically, with the
 * tokenizer files, so it is a complete model for vLLM and for {@code prime4j eval}), then a reload on every
 * policy server, acknowledged by all before the next step samples. Only the newest {@link #KEEP} published
 * directories are kept.
 */
public final class WeightPublisher {

    public static final int KEEP = 2;

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
        servers.reloadWeights(dir);
        Directories.pruneSteps(weights, KEEP);
        return dir;
    }
}
