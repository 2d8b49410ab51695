package org.prime4j.model.hub;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The huggingface_hub cache layout, so that prime4j, vLLM and Python tools share one download:
 *
 * <pre>
 * {cache}/models--org--name/
 *   refs/main                       the commit hash the revision "main" pointed at
 *   blobs/{etag}                    file contents, named by ETag (sha256 for LFS files, git sha1 otherwise)
 *   blobs/{etag}.incomplete         a download in progress (resumed with a Range request)
 *   snapshots/{commit}/config.json  a relative symlink: ../../blobs/{etag}
 * </pre>
 */
public final class HubCache {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final Path root;

    public HubCache(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path repoDir(HubId id) {
        return root.resolve(id.cacheFolder());
    }

    public Path refFile(HubId id) {
        return repoDir(id).resolve("refs").resolve(id.revision());
    }

    public Path snapshot(HubId id, String commit) {
        return repoDir(id).resolve("snapshots").resolve(commit);
    }

    public Path blob(HubId id, String etag) {
        return repoDir(id).resolve("blobs").resolve(etag);
    }

    public Path incomplete(HubId id, String etag) {
        return repoDir(id).resolve("blobs").resolve(etag + ".incomplete");
    }

    /** The commit the revision names: itself when it is a hash, else the content of {@code refs/<revision>}. */
    public Optional<String> commit(HubId id) throws IOException {
        if (id.pinned()) {
            return Optional.of(id.revision());
        }
        Path ref = refFile(id);
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        String commit = Files.readString(ref).strip();
        return COMMIT.matcher(commit).matches() ? Optional.of(commit) : Optional.empty();
    }

    /** Records that the revision now points at {@code commit} (not for a revision that is itself a hash). */
    public void writeRef(HubId id, String commit) throws IOException {
        if (id.pinned() && id.revision().equals(commit)) {
            return;
        }
        Path ref = refFile(id);
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + ".tmp");
        Files.writeString(tmp, commit);
        move(tmp, ref);
    }

    /**
     * Puts a finished blob in place and links {@code snapshots/<commit>/<file>} to it with a relative symlink,
     * as huggingface_hub does; copies where the file system has no symlinks.
     */
    public Path link(HubId id, String commit, String file, String etag) throws IOException {
        Path target = snapshot(id, commit).resolve(file);
        Files.createDirectories(target.getParent());
        Path blob = blob(id, etag);
        Path relative = target.getParent().relativize(blob);
        Files.deleteIfExists(target);
        try {
            Files.createSymbolicLink(target, relative);
        } catch (FileAlreadyExistsException e) {
            // another process linked it meanwhile: same content by construction
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
