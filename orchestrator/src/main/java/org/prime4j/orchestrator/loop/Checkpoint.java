package org.prime4j.orchestrator.loop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.prime4j.model.io.Directories;
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
 * and the seed are the whole RNG state. Written atomically as {@code checkpoints/step-N}, with a
 * {@link CheckpointManifest} written last: a file damaged later (truncated by a full disk or a cut copy,
 * overwritten) is caught by {@link #newestUsable} before a resume uses it, and {@link #load} refuses
 * non-finite weights, which no hash can tell from a diverged run's.
 *
 * <pre>
 *   step-N/policy/                      HF checkpoint (FP32, tokenizer files): a servable model
 *   step-N/prm/                         HF checkpoint (FP32)
 *   step-N/policy-optimizer.safetensors AdamW exp_avg / exp_avg_sq per parameter
 *   step-N/prm-optimizer.safetensors
 *   step-N/state.json                   step, epoch, position, seed, optimizer step counts, lora
 *   step-N/manifest.json                every other file's path, size and SHA-256 (format 2 on)
 *   step-N/sampler/                     run.async only: the published policy that sampled step N+1 (absent
 *                                       when that was the initial model), so a resume redoes those rollouts
 *                                       with the same weights
 * </pre>
 * With LoRA ({@code "lora": true}) {@code policy/} and {@code prm/} are replaced by {@code policy-adapter/} and
 * {@code prm-adapter/}, PEFT adapters over the run's base (model.policy), and the optimizer files hold the
 * moments of the adapters' factors.
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

    /** 2: with manifest.json; 1: without (still loaded, unverified). */
    private static final int FORMAT = 2;
    private static final int UNVERIFIED_FORMAT = 1;
    private static final List<String> STATE_FIELDS = List.of("step", "epoch", "position", "seed",
            "policy_optimizer_steps", "prm_optimizer_steps");
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
            if (samplerStep != null) {
                state.put("sampler_step", samplerStep);
            }
            if (samplerWeights != null) {
                copyFlat(samplerWeights, tmp.resolve("sampler"));
            }
            Files.writeString(tmp.resolve("state.json"), state.toPrettyString());
            CheckpointManifest.write(tmp);
        });
        return dir;
    }

    /**
     * The checkpoint of the highest step under {@code checkpoints} that holds a state.json, whether or not
     * its files are intact: enough to tell that a run was there. {@link #newestUsable} picks one to resume.
     */
    public static Optional<Path> latest(Path checkpoints) throws IOException {
        List<Path> all = Directories.steps(checkpoints);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (Files.isRegularFile(all.get(i).resolve("state.json"))) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * The newest checkpoint whose files match its manifest and whose state.json is sound; each newer one that
     * is not is reported to {@code warn} with what is wrong. A checkpoint of format 1 (no manifest) is used
     * with a warning that it is unverified. Empty when there is no checkpoint at all; a
     * {@link CheckpointException} listing each one's problem when none is usable.
     */
    public static Optional<Path> newestUsable(Path checkpoints, Consumer<String> warn) throws IOException {
        List<Path> all = Directories.steps(checkpoints);
        List<String> problems = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            Path dir = all.get(i);
            String problem = problem(dir);
            if (problem == null) {
                if (!Files.exists(dir.resolve(CheckpointManifest.FILE))) {
                    warn.accept("checkpoint " + dir + " has no " + CheckpointManifest.FILE
                            + " (written by an older prime4j): resuming from it unverified");
                }
                return Optional.of(dir);
            }
            problems.add(dir.getFileName() + ": " + problem);
            warn.accept("checkpoint " + dir + " is unusable: " + problem
                    + (i > 0 ? "; falling back to " + all.get(i - 1).getFileName() : ""));
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException("no usable checkpoint in " + checkpoints + " ("
                    + String.join("; ", problems) + ")");
        }
        return Optional.empty();
    }

    /** What makes {@code dir} unusable for a resume, or null when nothing does (weights are checked at load). */
    static String problem(Path dir) throws IOException {
        if (Files.exists(dir.resolve(CheckpointManifest.FILE))) {
            String bad = CheckpointManifest.problem(dir);
            if (bad != null) {
                return bad;
            }
        }
        try {
            JsonNode state = state(dir);
            if (state.path("format").asInt() == FORMAT && !Files.exists(dir.resolve(CheckpointManifest.FILE))) {
                return CheckpointManifest.FILE + " is missing (the checkpoint was not completed or was damaged)";
            }
        } catch (CheckpointException e) {
            return e.getMessage();
        }
        return null;
    }

    /** state.json, checked: present, JSON, a known format, every field a number; the error omits the dir. */
    private static JsonNode state(Path dir) throws IOException {
        Path file = dir.resolve("state.json");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("state.json is missing");
        }
        byte[] bytes = Files.readAllBytes(file);
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            throw new CheckpointException("state.json is empty (" + bytes.length + " bytes)");
        }
        JsonNode state;
        try {
            state = MetricsLog.JSON.readTree(bytes);
        } catch (IOException e) { // JsonProcessingException, or CharConversionException for bytes not in UTF-8
            throw new CheckpointException("state.json is not valid JSON (" + oneLine(e) + ")");
        }
        if (!state.isObject()) {
            throw new CheckpointException("state.json is not a JSON object");
        }
        int format = state.path("format").asInt();
        if (format != FORMAT && format != UNVERIFIED_FORMAT) {
            throw new CheckpointException("state.json has unknown checkpoint format " + state.path("format")
                    + " (this prime4j reads " + UNVERIFIED_FORMAT + " and " + FORMAT + ")");
        }
        for (String field : STATE_FIELDS) {
            if (!state.path(field).isIntegralNumber()) {
                throw new CheckpointException("state.json has no integer \"" + field + "\"");
            }
        }
        return state;
    }

    private static String oneLine(IOException e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return String.valueOf(m).strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Deletes all but the newest {@code keep} checkpoints ({@code keep <= 0}: keeps all). */
    public static void prune(Path checkpoints, int keep) throws IOException {
        Directories.pruneSteps(checkpoints, keep);
    }

    /**
     * Reads {@code dir} into memory. Its files are not hashed here (see {@link #newestUsable}); a state.json
     * that is missing, empty or malformed, or a tensor holding NaN or infinity, is a {@link CheckpointException}
     * naming the file and the tensor.
     */
    public static Checkpoint load(Path dir) throws IOException {
        JsonNode state;
        try {
            state = state(dir);
        } catch (CheckpointException e) {
            throw new CheckpointException(dir + ": " + e.getMessage());
        }
        return new Checkpoint(state.path("step").asInt(),
                new DataCursor(state.path("epoch").asLong(), state.path("position").asInt()),
                state.path("seed").asLong(),
                trainer(dir, "policy", state.path("policy_optimizer_steps").asLong()),
                trainer(dir, "prm", state.path("prm_optimizer_steps").asLong()),
                state.has("sampler_step") ? state.path("sampler_step").asInt() : null,
                Files.isDirectory(dir.resolve("sampler")) ? dir.resolve("sampler") : null);
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
        Path file = Files.isRegularFile(dir.resolve(HfCheckpoint.SINGLE)) ? dir.resolve(HfCheckpoint.SINGLE) : dir;
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            for (String name : ckpt.tensorNames()) {
                out.put(name, finiteCopy(ckpt.tensor(name), file));
            }
        }
        return out;
    }

    private static Map<String, HostTensor> tensors(Path file) throws IOException {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            for (String name : r.names()) {
                out.put(name, finiteCopy(r.get(name), file));
            }
        }
        return out;
    }

    /**
     * A heap copy, so nothing points into a file mapping that is closed; the copy is scanned once for NaN and
     * infinity, which would otherwise surface steps later as a server's non-number log-probs.
     */
    private static HostTensor finiteCopy(HostTensor t, Path file) throws CheckpointException {
        float[] data = t.toFloatArray();
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new CheckpointException(file + ": tensor " + t.name() + " holds " + data[i] + " at element " + i
                        + ": refusing to resume from non-finite weights (delete this checkpoint to resume from an"
                        + " older one)");
            }
        }
        return HostTensor.ofFloats(t.name(), t.shape(), data);
    }
}
