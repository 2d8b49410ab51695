package org.prime4j.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.app.cli.Prime4jCli;
import picocli.CommandLine;

/** Loads this module's classes as a plugin jar through {@code prime4j verify --plugins}, as a user would. */
class ExactMatchPluginTest {

    @TempDir static Path dir;
    static Path plugins;

    /** Packs the compiled plugin (kept off the test class path by the pom) into a jar in a plugin directory. */
    @BeforeAll
    static void packPlugin() throws IOException {
        Path classes = Path.of(System.getProperty("plugin.classes.dir"));
        plugins = Files.createDirectories(dir.resolve("plugins"));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(plugins.resolve("exact-match.jar")));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private static String[] run(String... args) {
        CommandLine cl = Prime4jCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new String[] {String.valueOf(exit), out.toString(), err.toString()};
    }

    @Test
    void thePluginIsNotOnTheTestClassPath() {
        assertThat(getClass().getClassLoader().getResource("org/prime4j/examples/plugin/ExactMatchVerifier.class")).isNull();
    }

    @Test
    void verifyLoadsThePluginFromItsDirectory() {
        String[] ok = run("verify", "--plugins", plugins.toString(), "--verifier", "exact-match",
                "--response", "Let me think.\n  Paris  ", "--ground-truth", "Paris");
        assertThat(ok[0]).isEqualTo("0");
        assertThat(ok[1]).contains("score: 1.0", "reason: exact match");

        String[] no = run("verify", "--plugins", plugins.toString(), "--verifier", "exact-match",
                "--response", "Lyon", "--ground-truth", "Paris");
        assertThat(no[1]).contains("score: 0.0", "reason: 'Lyon' != 'Paris'");
    }

    @Test
    void aFileMixesThePluginWithTheBuiltInMathVerifier() throws IOException {
        Path in = Files.writeString(dir.resolve("items.jsonl"), String.join("\n",
                "{\"response\": \"PARIS\", \"ground_truth\": \"Paris\", \"verifier\": \"exact-match\", \"case_sensitive\": false}",
                "{\"response\": \"\\\\boxed{2}\", \"ground_truth\": \"2\", \"verifier\": \"math\"}") + "\n");
        Path out = dir.resolve("scored.jsonl");
        String[] r = run("verify", "--plugins", plugins.resolve("exact-match.jar").toString(),
                "--input", in.toString(), "--output", out.toString(), "--no-progress");
        assertThat(r[0]).isEqualTo("0");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"score\":1.0", "\"reason\":\"exact match\"");
        assertThat(lines.get(1)).contains("\"score\":1.0");
    }
}
