package org.prime4j.orchestrator.train;

import java.util.ArrayList;
import java.util.List;
import org.prime4j.model.lora.LoraConfig;
import org.prime4j.model.nn.ParamNames;
import org.prime4j.orchestrator.settings.Checks;
import org.prime4j.orchestrator.settings.FieldError;

/**
 * A {@code lora:} section of {@code policy:} or {@code prm:}: train a LoRA adapter (PEFT's names and meaning)
 * over the frozen base instead of the whole model. A missing value takes its default, a bad one fails here,
 * naming the field.
 *
 * @param r             rank of the update B A (default 16)
 * @param alpha         lora_alpha; the update is scaled by alpha / r (default 2 r)
 * @param dropout       lora_dropout on the adapter's input while training (default 0: a resumed run with dropout
 *                      is not bit-identical, libtorch's RNG is not checkpointed)
 * @param targetModules projections to adapt, PEFT names (default all seven of a Qwen2/Llama layer)
 * @param activationCheckpointing recompute each decoder layer in backward instead of keeping its activations
 *                      (default true). Over a 16-bit base this is what keeps memory at the base's size: a recorded
 *                      pass would also keep every layer's widened FP32 weights. It costs one more forward pass
 *                      per training pass, and needs dropout 0 (the recompute must draw what the first pass drew).
 */
public record LoraSettings(Integer r, Double alpha, Double dropout, List<String> targetModules,
                           Boolean activationCheckpointing) {

    private static final List<String> ALL = allProjections();

    public LoraSettings {
        r = Checks.atLeast("r", Checks.orDefault(r, 16), 1);
        alpha = Checks.positive("alpha", Checks.orDefault(alpha, 2.0 * r));
        dropout = Checks.orDefault(dropout, 0.0);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new FieldError("dropout", "must lie in [0, 1), got " + dropout);
        }
        targetModules = Checks.orDefault(targetModules, ALL);
        if (targetModules.isEmpty()) {
            throw new FieldError("target_modules", "must name at least one projection of " + ALL);
        }
        for (String m : targetModules) {
            if (!ALL.contains(m)) {
                throw new FieldError("target_modules", "'" + m + "' is not one of " + ALL);
            }
        }
        if (targetModules.stream().distinct().count() != targetModules.size()) {
            throw new FieldError("target_modules", "names a projection twice: " + targetModules);
        }
        targetModules = List.copyOf(targetModules);
        activationCheckpointing = Checks.orDefault(activationCheckpointing, true);
        if (activationCheckpointing && dropout > 0) {
            throw new FieldError("dropout", "must be 0 with activation_checkpointing (each layer is recomputed in"
                    + " backward and must draw what the first pass drew); set activation_checkpointing: false to"
                    + " use dropout " + dropout);
        }
    }

    /** The defaults of {@link #activationCheckpointing}. */
    public LoraSettings(Integer r, Double alpha, Double dropout, List<String> targetModules) {
        this(r, alpha, dropout, targetModules, null);
    }

    /** The PEFT {@code adapter_config.json} of this section, naming {@code baseModel} as the base. */
    public LoraConfig toConfig(String baseModel) {
        return new LoraConfig(r, alpha, targetModules, dropout, baseModel);
    }

    private static List<String> allProjections() {
        List<String> all = new ArrayList<>(ParamNames.ATTENTION_PROJECTIONS);
        all.addAll(ParamNames.MLP_PROJECTIONS);
        return List.copyOf(all);
    }
}
