package org.prime4j.model.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folders a run keeps per step ({@code weights/step-N}, {@code checkpoints/step-N}): one naming, listing
 * and pruning rule for all of them, and recursive deletion.
 */
public final class Directories {

    private static final Pattern STEP = Pattern.compile("step-(\\d+)");

    private Directories() {}

    /** {@code root/step-N}. */
    public static Path step(Path root, int step) {
        return root.resolve("step-" + step);
    }

    /** N for a folder named {@code step-N}; empty for any other name. */
    public static OptionalInt stepOf(Path dir) {
        Matcher m = STEP.matcher(dir.getFileName().toString());
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** The {@code step-N} folders under {@code root}, oldest step first; none when {@code root} is missing. */
    public static List<Path> steps(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> stepOf(d).isPresent() && Files.isDirectory(d))
                    .sorted(Comparator.comparingInt(d -> stepOf(d).getAsInt()))
                    .toList();
        }
    }

    /** Deletes all but the newest {@code keep} step folders under {@code root} ({@code keep <= 0}: keeps all). */
    public static void pruneSteps(Path root, int keep) throws IOException {
        if (keep <= 0) {
            return;
        }
        List<Path> all = steps(root);
        for (int i = 0; i < all.size() - keep; i++) {
            deleteTree(all.get(i));
        }
    }

    /** Deletes {@code p} and everything under it; a missing path is fine. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(q);
            }
        }
    }
}
