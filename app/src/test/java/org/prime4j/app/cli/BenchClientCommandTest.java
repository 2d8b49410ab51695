package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A smoke run of {@code prime4j bench client} at toy sizes: it runs end to end and reports both baselines. */
class BenchClientCommandTest {

    @Test
    @Timeout(60)
    void reportsParseAndOverheadAgainstTheirBaselines() {
        picocli.CommandLine cl = Prime4jCli.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        int exit = cl.execute("bench", "client", "--reply-mb", "0.2", "--choices", "4", "--iterations", "1",
                "--requests", "20");
        assertThat(exit).isZero();
        assertThat(out.toString())
                .contains("| streaming (prime4j) |", "| Jackson tree model |", "streaming / tree speed:")
                .contains("bare OkHttp POST", "RolloutClient.sample", "client-side overhead:")
                .containsPattern("Parse of a 0\\.2 MB completions reply \\(4 choices");
    }
}
