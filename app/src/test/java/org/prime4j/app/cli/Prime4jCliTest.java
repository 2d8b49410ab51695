package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Prime4jCliTest {



    @Test
    void helpListsEverySubcommand() {
        CliRun r = CliRun.of("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("demo", "sft", "train", "eval", "serve", "launch", "verify", "bench");
    }

    @Test
    void versionNamesTheProjectVersion() {
        CliRun r = CliRun.of("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("prime4j \\d+\\.\\d+\\.\\d+");
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun r = CliRun.of("--no-such-flag");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--no-such-flag");
    }
}
