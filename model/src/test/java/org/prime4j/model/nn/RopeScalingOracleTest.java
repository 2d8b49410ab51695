package org.prime4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.config.Llama3RopeScaling;

/**
 * Llama 3.1 / 3.2's llama3 rope rewrite at full size (head_dim 128, theta 5e5, original context 8192, factor 8
 * and 32) against the PyTorch reference (fixtures/llama3_rope.json): sin of each rotary angle at position 1,
 * i.e. of each inverse frequency, to a relative 1e-5 (the frequencies span 1 to 3e-7).
 */
class RopeScalingOracleTest {

    @Test
    void scaledInverseFrequenciesMatchPyTorch() throws Exception {
        Path file = Path.of(getClass().getResource("/fixtures/llama3_rope.json").toURI());
        JsonNode cases = new ObjectMapper().readTree(file.toFile());
        assertThat(cases).hasSize(2);
        try (NDManager m = DjlRuntime.pytorch().newBaseManager()) {
            for (JsonNode c : cases) {
                JsonNode rs = c.get("rope_scaling");
                Llama3RopeScaling scaling = new Llama3RopeScaling(rs.get("factor").asDouble(),
                        rs.get("low_freq_factor").asDouble(), rs.get("high_freq_factor").asDouble(),
                        rs.get("original_max_position_embeddings").asInt());
                int d = c.get("head_dim").asInt();
                float[] signedSin = new Rope(d, c.get("rope_theta").asDouble(), scaling)
                        .tables(m, new int[] {1}, 1, 1)[1].toFloatArray();
                float[] plain = new Rope(d, c.get("rope_theta").asDouble(), null)
                        .tables(m, new int[] {1}, 1, 1)[1].toFloatArray();
                double worst = 0;
                int changed = 0;
                for (int k = 0; k < d / 2; k++) {
                    double want = c.get("sin_at_1").get(k).asDouble();
                    double got = signedSin[d / 2 + k]; // the second half carries +sin
                    worst = Math.max(worst, Math.abs(got - want) / Math.abs(want));
                    if (Math.abs(plain[d / 2 + k] - want) > 1e-3 * Math.abs(want)) {
                        changed++;
                    }
                }
                System.out.printf("llama3 rope factor %s: max relative error %.3g, %d of %d frequencies rescaled%n",
                        rs.get("factor"), worst, changed, d / 2);
                assertThat(worst).as("max relative error, factor %s", rs.get("factor")).isLessThan(1e-5);
                // the rewrite touches most of the 64 frequencies: the fixture could not pass with plain rope
                assertThat(changed).isGreaterThan(30);
            }
        }
    }
}
