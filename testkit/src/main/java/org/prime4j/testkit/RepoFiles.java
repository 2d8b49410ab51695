package org.prime4j.testkit;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Files of this repository that tests read (benchmark data, examples). Tests run with a module folder as the
 * working directory, so the repository root is found by walking up to the folder that holds {@code data/bench}.
 * A missing file fails the test: these files are part of the clone, so their absence is a broken checkout.
 */
public final class RepoFiles {

    private RepoFiles() {
    }

    /** The repository's root folder. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("data").resolve("bench")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new UncheckedIOException(new NoSuchFileException(dir + ": no data/bench in this folder or above it"));
    }

    /** A benchmark file under {@code data/bench}, for example {@code math500_test.jsonl}. */
    public static Path bench(String file) {
        return existing(root().resolve("data").resolve("bench").resolve(file));
    }

    /** A file under {@code examples/}. */
    public static Path example(String relative) {
        return existing(root().resolve("examples").resolve(relative));
    }

    private static Path existing(Path p) {
        if (!Files.exists(p)) {
            throw new UncheckedIOException(new NoSuchFileException(p + " (part of the repository; is the checkout complete?)"));
        }
        return p;
    }
}
