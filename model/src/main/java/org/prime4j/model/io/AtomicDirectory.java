package org.prime4j.model.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Publishes a directory so a reader (a vLLM server reloading weights) sees the old one or the complete new
 * one, never a half-written one: fill a temp dir beside the target, fsync every file and the dir, then
 * rename. POSIX cannot rename onto a non-empty directory, so an existing target is first renamed aside
 * and deleted once the new one is in place.
 */
public final class AtomicDirectory {

    /** Fills a fresh directory. */
    public interface Filler {
        void fill(Path tmp) throws IOException;
    }

    private AtomicDirectory() {}

    public static void replace(Path target, Filler filler) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        String base = abs.getFileName().toString();
        Path tmp = parent.resolve("." + base + ".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            filler.fill(tmp);
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    fsync(f);
                }
            }
            fsync(tmp);
            if (Files.exists(abs)) {
                Path old = parent.resolve("." + base + ".old-" + UUID.randomUUID());
                Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException | RuntimeException e) {
                    Files.move(old, abs, StandardCopyOption.ATOMIC_MOVE); // put the old checkpoint back
                    throw e;
                }
                fsync(parent);
                Directories.deleteTree(old);
            } else {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                fsync(parent);
            }
        } catch (AtomicMoveNotSupportedException e) {
            Directories.deleteTree(tmp);
            throw new IOException(abs + ": the filesystem cannot rename atomically", e);
        } catch (IOException | RuntimeException e) {
            Directories.deleteTree(tmp);
            throw e;
        }
    }

    private static void fsync(Path p) throws IOException {
        // opening a directory for reading and forcing it is how Java fsyncs a directory on Linux
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
