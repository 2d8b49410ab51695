package org.prime4j.verifiers.plugin;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.prime4j.verifiers.Verifier;

/**
 * Loads verifiers from plugin jars: each jar gets its own {@link URLClassLoader} whose parent is the loader
 * of the SPI, so plugins share the {@link Verifier} types with the application but not each other's classes.
 * The loaders stay open for the life of the JVM, as long as the verifiers they defined.
 */
public final class PluginJars {

    private PluginJars() {}

    /** A verifier and the jar it came from. */
    public record Loaded(Verifier verifier, Path jar) {}

    /**
     * @param paths plugin jars, or directories whose {@code *.jar} files are all loaded (in name order)
     * @return every verifier the jars provide, in path order
     * @throws PluginException naming the jar or path that is missing, unreadable, not a jar, provides no
     *                         verifier, or whose verifier cannot be instantiated
     */
    public static List<Loaded> load(List<Path> paths) {
        List<Loaded> out = new ArrayList<>();
        for (Path jar : expand(paths)) {
            out.addAll(loadJar(jar));
        }
        return out;
    }

    static List<Path> expand(List<Path> paths) {
        List<Path> jars = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                            .sorted()
                            .forEach(jars::add);
                } catch (IOException e) {
                    throw new PluginException("plugin directory " + p + " cannot be listed: " + e.getMessage(), e);
                }
            } else if (Files.isRegularFile(p)) {
                jars.add(p);
            } else {
                throw new PluginException("plugin path " + p + " does not exist");
            }
        }
        return jars;
    }

    private static List<Loaded> loadJar(Path jar) {
        try (JarFile ignored = new JarFile(jar.toFile())) {
            // Opened only to fail early and clearly on a file that is not a jar.
        } catch (IOException e) {
            throw new PluginException("plugin jar " + jar + " is not a readable jar: " + e.getMessage(), e);
        }
        URL url;
        try {
            url = jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new PluginException("plugin jar " + jar + " has no usable URL: " + e.getMessage(), e);
        }
        URLClassLoader loader = new URLClassLoader("plugin:" + jar.getFileName(), new URL[] {url},
                Verifier.class.getClassLoader());
        List<Loaded> out = new ArrayList<>();
        try {
            // The parent also sees the built-in verifiers: keep only the classes this jar defines.
            ServiceLoader.load(Verifier.class, loader).stream()
                    .filter(p -> p.type().getClassLoader() == loader)
                    .forEach(p -> out.add(new Loaded(p.get(), jar)));
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new PluginException("plugin jar " + jar + ": cannot load its verifier: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new PluginException("plugin jar " + jar + ": its verifier failed to start: " + e, e);
        }
        if (out.isEmpty()) {
            throw new PluginException("plugin jar " + jar + " provides no verifier (it needs a public class "
                    + "implementing " + Verifier.class.getName() + " listed in META-INF/services/"
                    + Verifier.class.getName() + ")");
        }
        return out;
    }
}
