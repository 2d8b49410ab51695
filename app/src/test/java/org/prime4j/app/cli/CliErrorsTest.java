package org.prime4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.testkit.RepoFiles;

/** Bad input to any command is one line on stderr with the README's exit code; a stack trace only with -v. */
class CliErrorsTest {

    @TempDir Path dir;

    private static CliRun oneLine(int exit, String... args) {
        CliRun r = CliRun.of(args);
        String what = String.join(" ", args) + "\n" + r.err();
        assertThat(r.exit()).as(what).isEqualTo(exit);
        assertThat(r.err().strip()).as(what).startsWith("prime4j " + args[0]).doesNotContain("\n");
        return r;
    }

    @Test
    void outOfRangeServeOptionsAreUsageErrors() {
        String sft = RepoFiles.example("arithmetic/sft").toString();
        assertThat(oneLine(2, "serve", "--model", sft, "--port", "99999").err()).contains("port must be in [0, 65535]");
        assertThat(oneLine(2, "serve", "--model", sft, "--max-batch-size", "0").err()).contains("maxBatchSize");
    }

    @Test
    void sftWithAModelDirectoryThatHoldsNoModelNamesTheProblem() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        Path data = RepoFiles.example("arithmetic/train.jsonl");
        CliRun r = oneLine(1, "sft", "--model", dir.resolve("empty").toString(), "--data", data.toString(),
                "--out", dir.resolve("out").toString(), "--steps", "1", "--no-progress");
        assertThat(r.err()).contains(dir.resolve("empty") + ": no tokenizer.json");
        // sft reports its own errors on System.err (where its progress goes too)
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        CliRun hidden;
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            hidden = CliRun.of("sft", "--new-model", "--hidden", "3", "--data", data.toString(),
                    "--out", dir.resolve("out").toString(), "--steps", "1");
        } finally {
            System.setErr(stderr);
        }
        assertThat(hidden.exit()).isEqualTo(2);
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8).strip())
                .startsWith("prime4j sft: --layers 2 --hidden 3 --heads 4 make no model: ").doesNotContain("\n");
    }

    @Test
    void benchClientRefusesCountsBelowOne() {
        assertThat(oneLine(2, "bench", "client", "--requests", "0").err()).contains("--requests >= 1");
        oneLine(2, "bench", "client", "--choices", "-1");
    }

    @Test
    void anUnwritableVerifyOutputIsNamed() throws Exception {
        Path in = Files.writeString(dir.resolve("in.jsonl"),
                "{\"response\": \"\\\\boxed{7}\", \"ground_truth\": \"7\", \"ability\": \"math\"}\n");
        Path out = dir.resolve("missing-dir/out.jsonl");
        assertThat(oneLine(2, "verify", "--input", in.toString(), "--output", out.toString(), "--no-progress").err())
                .contains(out + ": no such file or directory");
    }

    @Test
    void anUnexpectedFailureIsOneLineAndVerboseAddsTheStackTrace() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path under = file.resolve("data"); // a directory cannot be made under a regular file
        CliRun r = oneLine(1, "demo", "--write-data", under.toString());
        assertThat(r.err()).contains(file.toString()).contains("(-v shows the stack trace)").doesNotContain("\tat ");

        CliRun verbose = CliRun.of("demo", "-v", "--write-data", under.toString());
        assertThat(verbose.exit()).isEqualTo(1);
        assertThat(verbose.err()).contains("\tat ");
    }
}
