package org.prime4j.orchestrator.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.prime4j.model.hub.HubException;
import org.prime4j.model.hub.ModelLocator;
import org.prime4j.orchestrator.settings.FieldError;
import org.prime4j.orchestrator.settings.Checks;

/**
 * Which checkpoints start the run: HF directories (config.json, safetensors, tokenizer files) or Hugging Face
 * Hub ids ({@code Qwen/Qwen2.5-Math-1.5B}, optionally {@code @revision}), which {@link TrainConfigReader#read}
 * turns into their snapshot directory in the shared HF cache (downloading what is missing). An existing local
 * path always wins over an id of the same shape.
 *
 * @param policy    the policy's initial weights (usually the SFT model); required
 * @param reference the frozen reference pi_ref of the implicit PRM and the KL term; default: {@code policy}
 * @param prm       the implicit PRM's initial weights; default: {@code policy} (PRIME initialises the PRM from
 *                  the SFT model)
 */
public record ModelSection(Path policy, Path reference, Path prm) {

    public ModelSection {
        if (policy == null) {
            throw new FieldError("policy", "is required (the policy's initial HF checkpoint directory or Hub id,"
                    + " e.g. Qwen/Qwen2.5-Math-1.5B)");
        }
        reference = Checks.orDefault(reference, policy);
        prm = Checks.orDefault(prm, policy);
    }

    /**
     * Relative paths against {@code base}; Hub ids that are not local paths to their snapshot directories (each
     * distinct one fetched once). A model that cannot be had is a {@link FieldError} naming its full field
     * ({@code model.policy}: this runs after parsing, outside any section).
     */
    ModelSection resolve(Path base, ModelLocator models) {
        Map<Path, Path> done = new HashMap<>();
        return new ModelSection(locate("policy", policy, base, models, done),
                locate("reference", reference, base, models, done), locate("prm", prm, base, models, done));
    }

    private static Path locate(String field, Path spec, Path base, ModelLocator models, Map<Path, Path> done) {
        Path known = done.get(spec);
        if (known != null) {
            return known;
        }
        try {
            Path dir = models.locate(spec.toString(), base);
            done.put(spec, dir);
            return dir;
        } catch (HubException | IllegalArgumentException e) {
            throw new FieldError("model." + field, e.getMessage());
        }
    }
}
