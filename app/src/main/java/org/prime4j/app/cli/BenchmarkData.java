package org.prime4j.app.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The benchmark sets shipped in the repository's {@code data/bench} folder (MATH-500, AIME 2024, AMC 2023,
 * HumanEval; sources and licences in its README). Found without flags from any working directory: the
 * {@code prime4j} launcher passes its own folder as {@code -Dprime4j.home}; a bare {@code java -jar} looks
 * upward from the jar (it sits in {@code <repo>/.../target/}); last, upward from the working directory.
 */
public final class BenchmarkData {

    /** {@code --bench} names and their files. */
    public static final Map<String, String> FILES = new TreeMap<>(Map.of(
            "math500", "math500_test.jsonl",
            "aime24", "aime24_test.jsonl",
            "amc23", "amc23_test.jsonl",
            "humaneval", "HumanEval.jsonl"));

    private static final Path RELATIVE = Path.of("data", "bench");

    private BenchmarkData() {
    }

    /** The file of benchmark {@code name} in {@code dir}; an unknown name is an error listing the known ones. */
    public static Path file(Path dir, String name) {
        String file = FILES.get(name.toLowerCase(Locale.ROOT));
        if (file == null) {
            throw new IllegalArgumentException("unknown benchmark '" + name + "' (known: " + String.join(", ", FILES.keySet()) + ")");
        }
        return dir.resolve(file);
    }

    /** The shipped {@code data/bench} folder, or an error naming where it was looked for and the flag that overrides it. */
    public static Path locate(String overrideFlag) {
        List<Path> starts = new ArrayList<>();
        Optional.ofNullable(System.getProperty("prime4j.home")).map(Path::of).ifPresent(starts::add);
        jarFolder().ifPresent(starts::add);
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve(RELATIVE))) {
                    return p.resolve(RELATIVE);
                }
            }
        }
        throw new IllegalArgumentException("benchmark data (data/bench) not found in or above " + starts
                + "; pass " + overrideFlag + " DIR");
    }

    private static Optional<Path> jarFolder() {
        try {
            var source = BenchmarkData.class.getProtectionDomain().getCodeSource();
            return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()).getParent());
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }
}
