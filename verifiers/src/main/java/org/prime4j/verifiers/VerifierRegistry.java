package org.prime4j.verifiers;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.prime4j.verifiers.plugin.PluginException;
import org.prime4j.verifiers.plugin.PluginJars;

/**
 * The verifiers a run can use, by name: the built-in ones found on the classpath with {@link ServiceLoader},
 * plus those of plugin jars.
 *
 * <p>A plugin whose name is already taken (by a built-in verifier or an earlier plugin) is an error, not a
 * silent override: a run must never score with a different verifier than the one its user thinks. To
 * replace a built-in verifier, give the plugin its own name and select that name in the dataset.
 */
public final class VerifierRegistry {

    /** Where a verifier came from: {@code classpath}, or the plugin jar's path. */
    public record Entry(Verifier verifier, String origin) {}

    private final Map<String, Entry> byName;

    private VerifierRegistry(Map<String, Entry> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** The built-in verifiers only. */
    public static VerifierRegistry builtIn() {
        return withPlugins(List.of());
    }

    /**
     * @param pluginPaths plugin jars and directories of jars (see {@link PluginJars#load})
     * @throws PluginException on a bad jar or a name clash, naming the jars involved
     */
    public static VerifierRegistry withPlugins(List<Path> pluginPaths) {
        Map<String, Entry> byName = new TreeMap<>();
        try {
            for (Verifier v : ServiceLoader.load(Verifier.class, Verifier.class.getClassLoader())) {
                add(byName, v, "classpath");
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a built-in verifier cannot be loaded: " + e.getMessage(), e);
        }
        for (PluginJars.Loaded l : PluginJars.load(pluginPaths)) {
            add(byName, l.verifier(), l.jar().toString());
        }
        return new VerifierRegistry(byName);
    }

    private static void add(Map<String, Entry> byName, Verifier v, String origin) {
        String name = v.name();
        if (name == null || name.isBlank()) {
            throw new PluginException("verifier " + v.getClass().getName() + " from " + origin + " has no name");
        }
        Entry clash = byName.get(name);
        if (clash != null) {
            throw new PluginException("verifier name '" + name + "' from " + origin + " is already taken by "
                    + clash.verifier().getClass().getName() + " from " + clash.origin()
                    + "; give the plugin another name");
        }
        byName.put(name, new Entry(v, origin));
    }

    public Optional<Verifier> find(String name) {
        Entry e = name == null ? null : byName.get(name);
        return e == null ? Optional.empty() : Optional.of(e.verifier());
    }

    /** @throws IllegalArgumentException naming the unknown verifier and the known ones */
    public Verifier get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown verifier '" + name + "' (known: " + String.join(", ", names()) + ")"));
    }

    public SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(byName.keySet()));
    }

    public Map<String, Entry> entries() {
        return byName;
    }
}
