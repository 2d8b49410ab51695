package org.prime4j.orchestrator.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.prime4j.model.io.Directories;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.io.AtomicDirectory;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.HfCheckpoint;
import org.prime4j.model.io.HostTensor;
import org.prime4j.model.io.SafetensorsReader;
import org.prime4j.model.io.SafetensorsWriter;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.lora.LoraConfig;
import org.prime4j.orchestrator.data.DataCursor;
import org.prime4j.orchestrator.train.TrainerState;

/**
 * A resumable training state: policy and PRM weights with their AdamW moments and step counts, the step,
 * the data cursor and the seed. All randomness of a run derives from (seed, step, position), so the cursor
 * and the seed are the whole RNG state. Written atomically as {@code checkpoints/step-N}: a directory of that
 * name is always complete.
 *
 * <pre>
 *   step-N/policy/                      HF checkpoint (FP32, tokenizer files): a servable model
 *   step-N/prm/                         HF checkpoint (FP32)
 *   step-N/policy-optimizer.safetensors AdamW exp_avg / exp_avg_sq per parameter
 *   step-N/prm-optimizer.safetensors
 *   step-N/state.json                   step, epoch, position, seed, optimizer step counts, lora
 * </pre>
 * With LoRA ({@code "lora": true}) {@code policy/} and {@code prm/} are replaced by {@code policy-adapter/} and
 * {@code prm-adapter/}, PEFT adapters over the run's base (model.policy), and the optimizer files hold the
 * moments of the adapters' factors.
 */
public record Checkpoint(int step, DataCursor cursor, long seed, TrainerState policy, TrainerState prm) {

    private static final int FORMAT = 1;
    private static final String ADAPTER_SUFFIX = "-adapter";

    public static Path dirOf(Path checkpoints, int step) {
        return Directories.step(checkpoints, step);
    }

    /** Writes {@code checkpoints/step-N} atomically (replacing one of the same step). */
    public Path save(Path checkpoints, ModelConfig policyConfig, ModelConfig prmConfig, Path tokenizerSource)
            throws IOException {
        Path dir = dirOf(checkpoints, step);
        AtomicDirectory.replace(dir, tmp -> {
            writeModel(tmp, "policy", policyConfig, policy, tokenizerSource);
            writeModel(tmp, "prm", prmConfig, prm, tokenizerSource);
            SafetensorsWriter.write(tmp.resolve("policy-optimizer.safetensors"), policy.optimizer(), DType.F32);
            SafetensorsWriter.write(tmp.resolve("prm-optimizer.safetensors"), prm.optimizer(), DType.F32);
            ObjectNode state = MetricsLog.JSON.createObjectNode();
            state.put("format", FORMAT);
            state.put("step", step);
            state.put("epoch", cursor.epoch());
            state.put("position", cursor.position());
            state.put("seed", seed);
            state.put("policy_optimizer_steps", policy.steps());
            state.put("prm_optimizer_steps", prm.steps());
            state.put("lora", policy.adapter() != null);
            Files.writeString(tmp.resolve("state.json"), state.toPrettyString());
        });
        return dir;
    }

    /** The complete checkpoint of the highest step under {@code checkpoints}, if any. */
    public static Optional<Path> latest(Path checkpoints) throws IOException {
        List<Path> all = Directories.steps(checkpoints);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (Files.isRegularFile(all.get(i).resolve("state.json"))) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    /** Deletes all but the newest {@code keep} checkpoints ({@code keep <= 0}: keeps all). */
    public static void prune(Path checkpoints, int keep) throws IOException {
        Directories.pruneSteps(checkpoints, keep);
    }

    public static Checkpoint load(Path dir) throws IOException {
        JsonNode state = MetricsLog.JSON.readTree(dir.resolve("state.json").toFile());
        if (state.path("format").asInt() != FORMAT) {
            throw new IOException(dir + ": unknown checkpoint format " + state.path("format"));
        }
        return new Checkpoint(state.path("step").asInt(),
                new DataCursor(state.path("epoch").asLong(), state.path("position").asInt()),
                state.path("seed").asLong(),
                trainer(dir, "policy", state.path("policy_optimizer_steps").asLong()),
                trainer(dir, "prm", state.path("prm_optimizer_steps").asLong()));
    }

    /** A full model as an HF checkpoint in {@code <role>/}; a LoRA adapter in PEFT layout in {@code <role>-adapter/}. */
    private static void writeModel(Path tmp, String role, ModelConfig config, TrainerState s, Path tokenizerSource)
            throws IOException {
        if (s.adapter() == null) {
            HfCheckpoint.write(tmp.resolve(role), config, s.weights(), DType.F32, 0, tokenizerSource);
            return;
        }
        Path dir = Files.createDirectories(tmp.resolve(role + ADAPTER_SUFFIX));
        SafetensorsWriter.write(dir.resolve(LoraAdapter.WEIGHTS), s.weights(), DType.F32);
        s.adapter().write(dir.resolve(LoraConfig.FILE));
    }

    private static TrainerState trainer(Path dir, String role, long steps) throws IOException {
        Map<String, HostTensor> optimizer = tensors(dir.resolve(role + "-optimizer.safetensors"));
        Path adapter = dir.resolve(role + ADAPTER_SUFFIX);
        if (Files.isDirectory(adapter)) {
            return new TrainerState(tensors(adapter.resolve(LoraAdapter.WEIGHTS)), optimizer, steps,
                    LoraConfig.read(adapter.resolve(LoraConfig.FILE)));
        }
        return new TrainerState(weights(dir.resolve(role)), optimizer, steps);
    }

    private static Map<String, HostTensor> weights(Path dir) throws IOException {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            for (String name : ckpt.tensorNames()) {
                out.put(name, copy(ckpt.tensor(name)));
            }
        }
        return out;
    }

    private static Map<String, HostTensor> tensors(Path file) throws IOException {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            for (String name : r.names()) {
                out.put(name, copy(r.get(name)));
            }
        }
        return out;
    }

    /** A heap copy, so nothing points into a file mapping that is closed. */
    private static HostTensor copy(HostTensor t) {
        return HostTensor.ofFloats(t.name(), t.shape(), t.toFloatArray());
    }
}
