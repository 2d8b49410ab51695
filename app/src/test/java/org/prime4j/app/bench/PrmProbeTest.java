package org.prime4j.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.orchestrator.arithmetic.ArithmeticData;
import org.prime4j.orchestrator.arithmetic.ArithmeticModel;
import org.prime4j.orchestrator.train.PrmSettings;

/** The probe end to end on a tiny random model over an embedded server: reports, plot, a loadable trained PRM. */
class PrmProbeTest {

    @Test
    void trainsAndReportsEveryEpochAndSavesThePrm(@TempDir Path dir) throws Exception {
        ArithmeticData.writeAll(dir, 11, 2, 12, 1);
        Path model = dir.resolve("sft");
        ArithmeticModel.createRandom(model, ArithmeticModel.config(1, 16, 2), 2);
        Path out = dir.resolve("probe");
        PrmProbe.Options o = new PrmProbe.Options(model, dir.resolve(ArithmeticData.TRAIN), 8, 2, 2, 0.25, 4,
                new PrmSettings(1e-2, 0.5, null, 8, 1.0, null), 8, 1.0, 1, out, true, null);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrmProbe.Result r = PrmProbe.run(o, new PrintStream(log, true));
        assertThat(r.epochs()).hasSize(3);
        assertThat(r.trainResponses()).isEqualTo(12);
        assertThat(r.heldOutResponses()).isEqualTo(4);
        assertThat(r.epochs().get(1).updates()).isEqualTo(3); // 6 groups of 2, 4 responses per step
        // the untrained PRM is pi_ref itself: every q is 0, the loss ln 2
        assertThat(r.epochs().get(0).heldOut().loss()).isEqualTo(Math.log(2));
        assertThat(r.epochs().get(2).heldOut().loss()).isNotEqualTo(Math.log(2));
        JsonNode json = PrmProbe.JSON.readTree(out.resolve("probe.json").toFile());
        assertThat(json.get("epochs")).hasSize(3);
        assertThat(json.get("epochs").get(0).get("heldOut") == null ? json.get("epochs").get(0).get("held_out")
                : json.get("epochs").get(0).get("heldOut")).isNotNull();
        assertThat(Files.size(out.resolve("probe.png"))).isGreaterThan(1000);
        try (CausalLM saved = CausalLM.load(r.prm()); CausalLM start = CausalLM.load(model)) {
            assertThat(saved.toHost().get("model.norm.weight").toFloatArray())
                    .isNotEqualTo(start.toHost().get("model.norm.weight").toFloatArray());
        }
        assertThat(log.toString()).contains("bench prm: 8 prompts x 2 sampled");
        // the same responses again from samples.json: the same untrained scores, the same first epoch
        PrmProbe.Result again = PrmProbe.run(new PrmProbe.Options(model, null, 0 + 8, 2, 1, 0.25, 4,
                new PrmSettings(1e-2, 0.5, null, 8, 1.0, null), 8, 1.0, 1, dir.resolve("again"), false,
                out.resolve("samples.json")), new PrintStream(log, true));
        assertThat(again.epochs().get(1).heldOut()).isEqualTo(r.epochs().get(1).heldOut());
        assertThat(again.prm()).isNull();
        // the trained PRM as the start, no training: its untrained row is the trained run's last one
        PrmProbe.Result scored = PrmProbe.run(new PrmProbe.Options(model, null, 8, 2, 0, 0.25, 4,
                new PrmSettings(1e-2, 0.5, null, 8, 1.0, null), 8, 1.0, 1, dir.resolve("scored"), false,
                out.resolve("samples.json"), r.prm()), new PrintStream(log, true));
        assertThat(scored.epochs()).hasSize(1);
        assertThat(scored.epochs().get(0).heldOut()).isEqualTo(r.epochs().get(2).heldOut());
    }

    @Test
    void badOptionsAreRefusedByName() {
        assertThatThrownBy(() -> new PrmProbe.Options(Path.of("m"), Path.of("d"), 8, 2, 1, 1.5, 4,
                PrmSettings.defaults(), 8, 1.0, 0, Path.of("o"), false, null)).hasMessageContaining("--held-out");
        assertThatThrownBy(() -> new PrmProbe.Options(Path.of("m"), Path.of("d"), 8, 4, 1, 0.5, 2,
                PrmSettings.defaults(), 8, 1.0, 0, Path.of("o"), false, null)).hasMessageContaining("mini-batch >= k");
    }
}
