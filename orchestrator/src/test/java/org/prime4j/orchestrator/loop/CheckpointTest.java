package org.prime4j.orchestrator.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.io.HostTensor;
import org.prime4j.orchestrator.data.DataCursor;
import org.prime4j.orchestrator.train.TrainerState;

/** Checkpoints that check themselves: the manifest, the fallback past damaged ones, non-finite weights. */
class CheckpointTest {

    @TempDir Path root;

    private Path checkpoints() {
        return root.resolve("checkpoints");
    }

    private static Map<String, HostTensor> tensors(String prefix, float base) {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put(prefix + "embed.weight", HostTensor.ofFloats(prefix + "embed.weight", new long[] {4, 3},
                new float[] {base, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
        m.put(prefix + "norm.weight", HostTensor.ofFloats(prefix + "norm.weight", new long[] {3},
                new float[] {base, base + 1, base + 2}));
        return m;
    }

    private Path save(int step) throws IOException {
        TrainerState policy = new TrainerState(tensors("", step), tensors("opt.", -step), step);
        TrainerState prm = new TrainerState(tensors("", 10 + step), tensors("opt.", 20 + step), step + 1);
        return new Checkpoint(step, new DataCursor(1, 3 * step), 11, policy, prm)
                .save(checkpoints(), TinyRun.CONFIG, TinyRun.CONFIG, null);
    }

    private Optional<Path> newestUsable(List<String> warnings) throws IOException {
        return Checkpoint.newestUsable(checkpoints(), warnings::add);
    }

    @Test
    void aSavedCheckpointListsEveryFileInItsManifestAndLoadsBack() throws Exception {
        Path dir = save(2);
        JsonNode manifest = MetricsLog.JSON.readTree(dir.resolve("manifest.json").toFile());
        List<String> listed = new ArrayList<>();
        manifest.get("files").forEach(f -> listed.add(f.get("path").asText()));
        assertThat(listed).contains("state.json", "policy/model.safetensors", "policy/config.json",
                "prm/model.safetensors", "policy-optimizer.safetensors", "prm-optimizer.safetensors");
        assertThat(listed).doesNotContain("manifest.json");
        manifest.get("files").forEach(f -> assertThat(f.get("sha256").asText()).hasSize(64));

        List<String> warnings = new ArrayList<>();
        assertThat(newestUsable(warnings)).contains(dir);
        assertThat(warnings).isEmpty();
        Checkpoint c = Checkpoint.load(dir);
        assertThat(c.step()).isEqualTo(2);
        assertThat(c.cursor()).isEqualTo(new DataCursor(1, 6));
        assertThat(c.prm().steps()).isEqualTo(3);
        assertThat(c.policy().weights().get("norm.weight").toFloatArray()).containsExactly(2f, 3f, 4f);
        assertThat(c.prm().optimizer().get("opt.embed.weight").toFloatArray()[0]).isEqualTo(22f);
    }

    @Test
    void aTruncatedFileInTheNewestFallsBackToThePreviousWithAWarningNamingIt() throws Exception {
        save(1);
        Path newest = save(2);
        Path weights = newest.resolve("policy/model.safetensors");
        long size = Files.size(weights);
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(size / 2);
        }
        List<String> warnings = new ArrayList<>();
        assertThat(newestUsable(warnings)).contains(checkpoints().resolve("step-1"));
        assertThat(warnings).singleElement().asString()
                .contains(newest.toString(), "policy/model.safetensors", "has " + size / 2 + " bytes",
                        "says " + size, "truncated", "falling back to step-1");
    }

    @Test
    void aChangedByteOfTheSameSizeIsAHashMismatch() throws Exception {
        save(1);
        Path newest = save(2);
        Path opt = newest.resolve("prm-optimizer.safetensors");
        byte[] bytes = Files.readAllBytes(opt);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(opt, bytes);
        List<String> warnings = new ArrayList<>();
        assertThat(newestUsable(warnings)).contains(checkpoints().resolve("step-1"));
        assertThat(warnings).singleElement().asString()
                .contains("step-2", "prm-optimizer.safetensors does not match its SHA-256");
    }

    @Test
    void anEmptyStateJsonIsNamedAsEmpty() throws Exception {
        save(1);
        Path newest = save(2);
        Files.write(newest.resolve("state.json"), new byte[0]);
        List<String> warnings = new ArrayList<>();
        assertThat(newestUsable(warnings)).contains(checkpoints().resolve("step-1"));
        assertThat(warnings).singleElement().asString().contains("step-2", "state.json has 0 bytes");

        // Without a manifest to compare against, the state file itself is what is reported.
        Files.delete(newest.resolve("manifest.json"));
        warnings.clear();
        assertThat(newestUsable(warnings)).contains(checkpoints().resolve("step-1"));
        assertThat(warnings).singleElement().asString().contains("step-2", "state.json is empty (0 bytes)");
        assertThatThrownBy(() -> Checkpoint.load(newest)).isInstanceOf(CheckpointException.class)
                .hasMessage(newest + ": state.json is empty (0 bytes)");
    }

    @Test
    void malformedStateOrManifestAndAMissingManifestAreEachNamed() throws Exception {
        save(1);
        Path newest = save(2);
        Files.writeString(newest.resolve("manifest.json"), "{\"format\": 1, \"files\": [");
        assertThat(firstWarning()).contains("step-2", "manifest.json is not valid JSON");

        Files.delete(newest.resolve("manifest.json"));
        assertThat(firstWarning()).contains("step-2", "manifest.json is missing");

        Files.writeString(newest.resolve("state.json"), "{\"format\": 2, \"step\": ");
        assertThat(firstWarning()).contains("step-2", "state.json is not valid JSON");

        Files.writeString(newest.resolve("state.json"), "{\"format\": 2, \"step\": 2}");
        assertThat(firstWarning()).contains("step-2", "state.json has no integer \"epoch\"");
    }

    private String firstWarning() throws IOException {
        List<String> warnings = new ArrayList<>();
        assertThat(newestUsable(warnings)).contains(checkpoints().resolve("step-1"));
        assertThat(warnings).hasSize(1);
        return warnings.get(0);
    }

    @Test
    void noUsableCheckpointIsOneLineNamingEach() throws Exception {
        Path one = save(1);
        Path two = save(2);
        Files.delete(one.resolve("policy-optimizer.safetensors"));
        Files.write(two.resolve("state.json"), new byte[0]);
        List<String> warnings = new ArrayList<>();
        assertThatThrownBy(() -> newestUsable(warnings)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no usable checkpoint in " + checkpoints())
                .hasMessageContaining("step-2: state.json has 0 bytes")
                .hasMessageContaining("step-1: policy-optimizer.safetensors is missing")
                .hasMessageNotContaining("\n");
        assertThat(warnings).hasSize(2);
        assertThat(Checkpoint.newestUsable(root.resolve("none"), warnings::add)).isEmpty();
    }

    @Test
    void aCheckpointOfTheFormerFormatLoadsWithAWarningThatItIsUnverified() throws Exception {
        Path dir = save(3);
        Files.delete(dir.resolve("manifest.json"));
        Path state = dir.resolve("state.json");
        Files.writeString(state, Files.readString(state).replace("\"format\" : 2", "\"format\" : 1"));
        List<String> warnings = new ArrayList<>();
        assertThat(newestUsable(warnings)).contains(dir);
        assertThat(warnings).singleElement().asString()
                .contains(dir.toString(), "no manifest.json", "unverified");
        assertThat(Checkpoint.load(dir).step()).isEqualTo(3);
    }

    @Test
    void nonFiniteBytesInAWeightAreRefusedNamingTheTensorAndTheFile() throws Exception {
        save(1);
        Path dir = save(2);
        Path weights = dir.resolve("policy/model.safetensors");
        overwriteElement(weights, "norm.weight", 1, Float.NaN);
        // The manifest no longer matches: a resume falls back to step-1.
        List<String> warnings = new ArrayList<>();
        assertThat(newestUsable(warnings)).contains(checkpoints().resolve("step-1"));
        assertThat(warnings).singleElement().asString().contains("policy/model.safetensors does not match");
        // Loading directly (or a manifest that was written over NaN weights) refuses the tensor.
        assertThatThrownBy(() -> Checkpoint.load(dir)).isInstanceOf(CheckpointException.class)
                .hasMessage(weights + ": tensor norm.weight holds NaN at element 1: refusing to resume from"
                        + " non-finite weights (delete this checkpoint to resume from an older one)");

        Path opt = save(3).resolve("prm-optimizer.safetensors");
        overwriteElement(opt, "opt.embed.weight", 7, Float.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> Checkpoint.load(checkpoints().resolve("step-3")))
                .hasMessageStartingWith(opt + ": tensor opt.embed.weight holds -Infinity at element 7");
    }

    /** Writes {@code value} as F32 into element {@code index} of tensor {@code name} in a safetensors file. */
    private static void overwriteElement(Path file, String name, int index, float value) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) b.getLong(0);
        JsonNode header = MetricsLog.JSON.readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
        assertThat(header.get(name).get("dtype").asText()).isEqualTo("F32");
        int start = 8 + headerLength + header.get(name).get("data_offsets").get(0).asInt();
        b.putFloat(start + 4 * index, value);
        Files.write(file, bytes);
    }
}
