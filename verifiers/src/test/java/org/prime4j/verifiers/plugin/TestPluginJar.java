package org.prime4j.verifiers.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.prime4j.verifiers.Verifier;

/**
 * Builds a real plugin jar for tests: compiles a verifier's source against the test class path and packs
 * it with its {@code META-INF/services} entry, so the class exists only inside the jar and can only be
 * reached through the plugin class loader.
 */
final class TestPluginJar {

    private TestPluginJar() {}

    /** A verifier class {@code plugin.<simpleName>} named {@code name} that scores 1 on exact match. */
    static String exactMatchSource(String simpleName, String name) {
        return """
                package plugin;
                import org.prime4j.verifiers.*;
                public final class %s implements Verifier {
                    public String name() { return "%s"; }
                    public Verification verify(VerificationItem item) {
                        return item.response().strip().equals(item.groundTruth().strip())
                                ? Verification.correct("exact") : Verification.wrong("differs");
                    }
                }
                """.formatted(simpleName, name);
    }

    /**
     * @param services the lines of the services file (the provider class names); none writes no file
     */
    static Path build(Path dir, String jarName, String simpleName, String source, List<String> services)
            throws IOException {
        Path src = Files.createDirectories(dir.resolve("src-" + jarName).resolve("plugin"));
        Path classes = Files.createDirectories(dir.resolve("classes-" + jarName));
        Path file = src.resolve(simpleName + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), file.toString());
        if (rc != 0) {
            throw new IllegalStateException("test plugin did not compile");
        }
        Path jar = dir.resolve(jarName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
            if (!services.isEmpty()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + Verifier.class.getName()));
                OutputStream o = out;
                o.write((String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }
}
