package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The bench harness runs end to end on a tiny item set; its speed is what the bench itself reports. */
class BenchVerifyCommandTest {

    @TempDir Path dir;

    @Test
    void everyModeIsMeasuredOnTheMathSetAndScoresAlike() throws Exception {
        Files.writeString(dir.resolve("math500_test.jsonl"), String.join("\n",
                "{\"solution\": \"so \\\\boxed{3}\", \"answer\": \"3\"}",
                "{\"solution\": \"so \\\\boxed{\\\\frac12}\", \"answer\": \"0.5\"}",
                "{\"solution\": \"so \\\\boxed{7}\", \"answer\": \"7\"}") + "\n");
        CommandLine cl = Prime4jCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("bench", "verify", "--data", dir.toString(), "--warm", "0", "--rounds", "1",
                "--parallelism", "1,2");
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("| verifier | items | mode |", "plain executor, 1 thread (baseline)",
                "pool, 1 worker", "pool, 2 workers", "| 1.00x |");
        // Own answers verify, the shifted ones do not: half the 6 items score 1 in every mode.
        assertThat(out.toString().lines().filter(l -> l.startsWith("| math | 6 ")).toList())
                .hasSize(3)
                .allMatch(l -> l.contains("| 0.500 | 0 | 0 |"));
    }
}
