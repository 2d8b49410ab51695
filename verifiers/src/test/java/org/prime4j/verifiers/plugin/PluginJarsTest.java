package org.prime4j.verifiers.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.Verifier;
import org.prime4j.verifiers.VerifierRegistry;

class PluginJarsTest {

    @TempDir Path dir;

    @Test
    void theBuiltInMathVerifierIsOnTheClasspath() {
        VerifierRegistry reg = VerifierRegistry.builtIn();
        assertThat(reg.names()).contains("math");
        assertThat(reg.entries().get("math").origin()).isEqualTo("classpath");
    }

    @Test
    void aPluginDirectoryIsLoadedThroughItsOwnClassLoader() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        TestPluginJar.build(plugins, "exact.jar", "Exact", TestPluginJar.exactMatchSource("Exact", "exact"),
                List.of("plugin.Exact"));
        VerifierRegistry reg = VerifierRegistry.withPlugins(List.of(plugins));
        assertThat(reg.names()).contains("math", "exact");
        Verifier v = reg.get("exact");
        assertThat(v.getClass().getClassLoader()).isNotSameAs(Verifier.class.getClassLoader());
        assertThat(reg.entries().get("exact").origin()).endsWith("exact.jar");
        assertThat(v.verify(VerificationItem.of(" 42 ", "42")).score()).isEqualTo(1.0);
        assertThat(v.verify(VerificationItem.of("41", "42")).reason()).isEqualTo("differs");
    }

    @Test
    void aJarNamedDirectlyAlsoWorks() throws Exception {
        Path jar = TestPluginJar.build(dir, "one.jar", "One", TestPluginJar.exactMatchSource("One", "one"),
                List.of("plugin.One"));
        assertThat(VerifierRegistry.withPlugins(List.of(jar)).get("one").name()).isEqualTo("one");
    }

    @Test
    void aNameClashWithABuiltInIsAnErrorNamingBoth() throws Exception {
        Path jar = TestPluginJar.build(dir, "clash.jar", "Clash", TestPluginJar.exactMatchSource("Clash", "math"),
                List.of("plugin.Clash"));
        assertThatThrownBy(() -> VerifierRegistry.withPlugins(List.of(jar)))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("'math'")
                .hasMessageContaining("clash.jar")
                .hasMessageContaining("MathVerifier from classpath");
    }

    @Test
    void aFileThatIsNotAJarIsNamed() throws Exception {
        Path bad = Files.writeString(dir.resolve("broken.jar"), "not a zip");
        assertThatThrownBy(() -> VerifierRegistry.withPlugins(List.of(dir)))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("not a readable jar");
    }

    @Test
    void aJarWithoutAServiceEntryIsNamed() throws Exception {
        Path jar = TestPluginJar.build(dir, "noservice.jar", "Quiet", TestPluginJar.exactMatchSource("Quiet", "quiet"),
                List.of());
        assertThatThrownBy(() -> VerifierRegistry.withPlugins(List.of(jar)))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("noservice.jar provides no verifier")
                .hasMessageContaining("META-INF/services/org.prime4j.verifiers.Verifier");
    }

    @Test
    void aServiceEntryNamingAMissingClassIsNamed() throws Exception {
        Path jar = TestPluginJar.build(dir, "typo.jar", "Typo", TestPluginJar.exactMatchSource("Typo", "typo"),
                List.of("plugin.Typpo"));
        assertThatThrownBy(() -> VerifierRegistry.withPlugins(List.of(jar)))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("typo.jar")
                .hasMessageContaining("plugin.Typpo");
    }

    @Test
    void aVerifierWhoseConstructorFailsIsNamed() throws Exception {
        String src = """
                package plugin;
                import org.prime4j.verifiers.*;
                public final class Fails implements Verifier {
                    public Fails() { throw new IllegalStateException("no config"); }
                    public String name() { return "fails"; }
                    public Verification verify(VerificationItem item) { return null; }
                }
                """;
        Path jar = TestPluginJar.build(dir, "fails.jar", "Fails", src, List.of("plugin.Fails"));
        assertThatThrownBy(() -> VerifierRegistry.withPlugins(List.of(jar)))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("fails.jar");
    }

    @Test
    void aMissingPathIsNamed() {
        Path missing = dir.resolve("nowhere");
        assertThatThrownBy(() -> VerifierRegistry.withPlugins(List.of(missing)))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining(missing + " does not exist");
    }

    @Test
    void anUnknownVerifierNameListsTheKnownOnes() {
        assertThatThrownBy(() -> VerifierRegistry.builtIn().get("chess"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown verifier 'chess'")
                .hasMessageContaining("math");
    }
}
