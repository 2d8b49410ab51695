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
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("bench", "client", "--reply-mb", "0.2", "--choices", "4", "--iterations", "1",
                "--requests", "20");
        assertThat(exit).as("exit code; stderr: %s", err).isZero();
        assertThat(out.toString())
                .contains("| streaming (prime4j) |", "| Jackson tree model |", "streaming / tree speed:")
                .contains("bare OkHttp POST", "RolloutClient.sample", "client-side overhead:")
                .containsPattern("Parse of a 0\\.2 MB completions reply \\(4 choices");
    }
}
