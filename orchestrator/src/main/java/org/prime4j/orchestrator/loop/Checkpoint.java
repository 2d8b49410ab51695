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
 *   step-N/state.json                   step, epoch, position, seed, optimizer step counts
 *   step-N/sampler/                     run.async only: the published policy that sampled step N+1 (absent
 *                                       when that was the initial model), so a resume redoes those rollouts
 *                                       with the same weights
 * </pre>
 *
 * @param samplerStep    run.async only: the step whose weights sampled step N+1 (0: the initial model); null
 *                       for a synchronous checkpoint (step N+1 samples with the checkpoint's own policy)
 * @param samplerWeights the published directory of those weights; null for the initial model or a synchronous
 *                       checkpoint
 */
public record Checkpoint(int step, DataCursor cursor, long seed, TrainerState policy, TrainerState prm,
                         Integer samplerStep, Path samplerWeights) {

    /** A synchronous checkpoint. */
    public Checkpoint(int step, DataCursor cursor, long seed, TrainerState policy, TrainerState prm) {
        this(step, cursor, seed, policy, prm, null, null);
    }

    private static final int FORMAT = 1;

    public static Path dirOf(Path checkpoints, int step) {
        return Directories.step(checkpoints, step);
    }

    /** Writes {@code checkpoints/step-N} atomically (replacing one of the same step). */
    public Path save(Path checkpoints, ModelConfig policyConfig, ModelConfig prmConfig, Path tokenizerSource)
            throws IOException {
        Path dir = dirOf(checkpoints, step);
        AtomicDirectory.replace(dir, tmp -> {
            HfCheckpoint.write(tmp.resolve("policy"), policyConfig, policy.weights(), DType.F32, 0, tokenizerSource);
            HfCheckpoint.write(tmp.resolve("prm"), prmConfig, prm.weights(), DType.F32, 0, tokenizerSource);
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
            if (samplerStep != null) {
                state.put("sampler_step", samplerStep);
            }
            if (samplerWeights != null) {
                copyFlat(samplerWeights, tmp.resolve("sampler"));
            }
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
                new TrainerState(weights(dir.resolve("policy")), tensors(dir.resolve("policy-optimizer.safetensors")),
                        state.path("policy_optimizer_steps").asLong()),
                new TrainerState(weights(dir.resolve("prm")), tensors(dir.resolve("prm-optimizer.safetensors")),
                        state.path("prm_optimizer_steps").asLong()),
                state.has("sampler_step") ? state.path("sampler_step").asInt() : null,
                Files.isDirectory(dir.resolve("sampler")) ? dir.resolve("sampler") : null);
    }

    /** A published model directory (files only) copied into {@code to}. */
    private static void copyFlat(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!Files.isRegularFile(f)) {
                    throw new IOException(f + ": a published model directory holds only files");
                }
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
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
