package org.prime4j.orchestrator.config;

import java.nio.file.Path;
import org.prime4j.orchestrator.settings.FieldError;
import org.prime4j.orchestrator.settings.Checks;

/**
 * Which checkpoints start the run (HF directories: config.json, safetensors, tokenizer files).
 *
 * @param policy    the policy's initial weights (usually the SFT model); required
 * @param reference the frozen reference pi_ref of the implicit PRM and the KL term; default: {@code policy}
 * @param prm       the implicit PRM's initial weights; default: {@code policy} (PRIME initialises the PRM from
 *                  the SFT model)
 */
public record ModelSection(Path policy, Path reference, Path prm) {

    public ModelSection {
        if (policy == null) {
            throw new FieldError("policy", "is required (the policy's initial HF checkpoint directory)");
        }
        reference = Checks.orDefault(reference, policy);
        prm = Checks.orDefault(prm, policy);
    }

    ModelSection resolve(Path base) {
        return new ModelSection(base.resolve(policy), base.resolve(reference), base.resolve(prm));
    }
}
