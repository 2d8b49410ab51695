package org.prime4j.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.prime4j.orchestrator.train.IsCorrection;

/** policy.is_correction / policy.is_cap as the YAML gives them. */
class OffPolicyConfigTest {

    private static final String MINIMAL = """
            model:
              policy: sft
            data:
              train: train.jsonl
            """;

    @Test
    void importanceSamplingCorrectionIsOffByDefaultWithCapTwo() {
        TrainConfig c = TrainConfigReader.parse(MINIMAL, "run.yaml");
        assertEquals(IsCorrection.NONE, c.policy().isCorrection());
        assertEquals(2.0, c.policy().isCap());
        TrainConfig tis = TrainConfigReader.parse(MINIMAL + "policy: {is_correction: token_tis, is_cap: 3}\n",
                "run.yaml");
        assertEquals(IsCorrection.TOKEN_TIS, tis.policy().isCorrection());
        assertEquals(3.0, tis.policy().isCap());
        assertEquals(IsCorrection.SEQ_MASK, TrainConfigReader.parse(MINIMAL + "policy: {is_correction: seq_mask}\n",
                "run.yaml").policy().isCorrection());
    }

    @Test
    void aCapOfOneOrLessNamesItsField() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TrainConfigReader.parse(MINIMAL + "policy:\n  is_cap: 1.0\n", "run.yaml"));
        assertEquals("policy.is_cap", e.field(), e.getMessage());
        assertTrue(e.getMessage().contains("must be a number > 1"), e.getMessage());
    }

    @Test
    void anUnknownCorrectionNamesItsField() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TrainConfigReader.parse(MINIMAL + "policy:\n  is_correction: tis\n", "run.yaml"));
        assertEquals("policy.is_correction", e.field(), e.getMessage());
        assertEquals(6, e.line(), e.getMessage());
    }
}
