package org.prime4j.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.nn.ParamNames;

/** The benchmark's plumbing (not its speed): parameter counts, FLOP formula, and the missing-torch path. */
class ModelBenchTest {

    @Test
    void theQwen2ShapedWorkloadHas26Point8MillionParameters() {
        ModelBench.Workload big = ModelBench.standardWorkloads(1).get(1);
        assertThat(ParamNames.count(big.config())).isBetween(26_700_000L, 26_850_000L);
        // 6 * params * tokens dominates; attention adds the (T x T) products.
        double sixNT = 6.0 * (ParamNames.count(big.config()) - 4096L * 512) * 8 * 256;
        assertThat(ModelBench.trainFlops(big)).isGreaterThan(sixNT).isLessThan(1.2 * sixNT);
    }

    @Test
    void aMissingInterpreterIsReportedAndTheDjlSideStillMeasured() throws Exception {
        ModelBench.Workload micro = new ModelBench.Workload("micro",
                ModelConfig.tiny(ModelConfig.Architecture.QWEN2, 16, 1, 2, 1, 32), 2, 8, 1, 2, 4, 2, 1);
        StringWriter log = new StringWriter();
        ModelBench.Result r = ModelBench.run(micro, 1, Path.of("/nonexistent/python3"), new PrintWriter(log));
        assertThat(r.torch()).isNull();
        assertThat(r.torchNote()).contains("/nonexistent/python3 is not an executable interpreter");
        assertThat(r.djl().trainTokensPerSec()).isPositive();
        assertThat(r.djl().genTokensPerSec()).isPositive();
        assertThat(ModelBench.table(List.of(r))).contains("| micro |").contains("n/a")
                .contains("not an executable interpreter");
    }
}
