package org.prime4j.orchestrator.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.client.WeightProbe;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.io.DType;
import org.prime4j.model.nn.CausalLM;

/**
 * The probe's tolerance per publish dtype: a server that loads the policy rounded to the publish dtype must
 * pass, one that holds the initial weights after a training step must not.
 */
class WeightPublisherTest {

    private static final Path SFT = Path.of("..", "examples", "arithmetic", "sft").toAbsolutePath().normalize();

    @BeforeAll
    static void engine() {
        DjlRuntime.pytorch();
    }

    /** Max |a - b| over the probe's response tokens: what a server holding {@code served} would show. */
    private static double drift(CausalLM trainer, CausalLM served, DType dtype) {
        WeightProbe expected = WeightPublisher.probe(trainer, dtype);
        float[] got = WeightPublisher.probe(served, dtype).expected();
        double max = 0;
        for (int j = 0; j < got.length; j++) {
            max = Math.max(max, Math.abs(got[j] - expected.expected()[j]));
        }
        return max;
    }

    @Test
    void roundingToThePublishDtypeStaysWithinTheToleranceAndOtherWeightsDoNot(@TempDir Path tmp) throws Exception {
        try (CausalLM trainer = CausalLM.load(SFT)) {
            for (DType dtype : DType.values()) {
                Path dir = tmp.resolve(dtype.name());
                trainer.save(dir, dtype, 0);
                try (CausalLM served = CausalLM.load(dir)) {
                    double d = drift(trainer, served, dtype);
                    System.out.printf("probe drift after publishing in %s: %.3g (tolerance %.3g)%n", dtype, d,
                            WeightPublisher.tolerance(dtype));
                    assertThat(d).as(dtype.name()).isLessThanOrEqualTo(WeightPublisher.tolerance(dtype));
                    assertThat(WeightPublisher.probe(trainer, dtype).mismatch(WeightPublisher.probe(served, dtype)
                            .expected())).isNull();
                }
            }
            // Another policy: the same model with every weight moved by 1% (less than a few lr-1e-3 steps do).
            try (CausalLM other = CausalLM.load(SFT)) {
                other.parameters().values().forEach(p -> p.muli(1.01f));
                for (DType dtype : DType.values()) {
                    double d = drift(trainer, other, dtype);
                    System.out.printf("probe drift of weights scaled by 1.01 (%s tolerance): %.3g%n", dtype, d);
                    assertThat(WeightPublisher.probe(trainer, dtype).mismatch(WeightPublisher.probe(other, dtype)
                            .expected())).as(dtype.name()).isNotNull();
                }
            }
        }
    }
}
