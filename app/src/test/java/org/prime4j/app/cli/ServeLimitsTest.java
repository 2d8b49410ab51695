package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.prime4j.testkit.RepoFiles;

/** {@code prime4j serve}'s request limits are checked as usage: a bad value is one line and exit code 2. */
class ServeLimitsTest {

    @Test
    void aNonPositiveLimitIsAUsageErrorNamingTheFlag() {
        String model = RepoFiles.example("arithmetic/sft").toString();
        CliRun n = CliRun.of("serve", "--model", model, "--max-n", "0");
        assertThat(n.exit()).isEqualTo(2);
        assertThat(n.err().strip()).doesNotContain("\n").contains("--max-n must be at least 1, got 0");
        CliRun tokens = CliRun.of("serve", "--model", model, "--max-generated-tokens", "-5");
        assertThat(tokens.exit()).isEqualTo(2);
        assertThat(tokens.err().strip()).doesNotContain("\n").contains("--max-generated-tokens must be at least 1");
        CliRun rank = CliRun.of("serve", "--model", model, "--max-lora-rank", "0");
        assertThat(rank.exit()).isEqualTo(2);
        assertThat(rank.err().strip()).doesNotContain("\n").contains("--max-lora-rank must be at least 1, got 0");
    }
}
