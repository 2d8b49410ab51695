package org.prime4j.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class Prime4jCliTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Prime4jCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommand() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("demo", "sft", "train", "eval", "serve", "launch", "verify", "bench");
    }

    @Test
    void versionNamesTheProjectVersion() {
        Run r = run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("prime4j \\d+\\.\\d+\\.\\d+");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run r = run("--no-such-flag");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--no-such-flag");
    }
}
