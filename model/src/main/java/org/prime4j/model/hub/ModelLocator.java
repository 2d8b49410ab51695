package org.prime4j.model.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a user typed where a model goes ({@code --model}, {@code model.policy}) into a model directory:
 * an existing local path wins; otherwise an {@code org/name[@revision]} Hub id becomes its snapshot directory
 * in the Hugging Face cache ({@code snapshots/<commit>/}), downloading what is missing (config, generation
 * config, tokenizer files, safetensors weights and index; never pickles). Anything else comes back as the
 * local path it names, for the caller's usual "no such directory" error.
 *
 * <p>With {@code HF_HUB_OFFLINE=1} the network is never touched: the ref and the snapshot must be complete in
 * the cache, else the error names the missing file and the cache path. Online, the Hub is asked which commit
 * the revision is at (a cheap API call); when it cannot be reached a complete cached snapshot is used with a
 * warning. A revision that is a full commit hash and is complete in the cache needs no network at all.
 */
public final class ModelLocator {

    private static final Logger LOG = LoggerFactory.getLogger(ModelLocator.class);

    private final HubSettings settings;
    private final HubCache cache;
    private final HubDownloader downloader;

    public ModelLocator(HubSettings settings) {
        this(settings, new OkHttpClient.Builder()
                .connectTimeout(30, TimeUnit.SECONDS)
                .readTimeout(120, TimeUnit.SECONDS)
                .build(), Duration.ofSeconds(2));
    }

    /** With a given HTTP client and pause between download attempts (tests: a short one). */
    public ModelLocator(HubSettings settings, OkHttpClient http, Duration retryPause) {
        this.settings = settings;
        this.cache = new HubCache(settings.cache());
        this.downloader = new HubDownloader(settings, cache, http, retryPause);
    }

    /** A locator with this process's environment ({@code HF_HOME}, {@code HF_TOKEN}, ...). */
    public static ModelLocator fromEnvironment() {
        return new ModelLocator(HubSettings.fromEnvironment());
    }

    public HubSettings settings() {
        return settings;
    }

    /** Whether {@code spec} would be looked up on the Hub: not an existing path under {@code base}, and an id. */
    public static boolean isHubId(String spec, Path base) {
        return HubId.parse(spec).isPresent() && !Files.exists(local(spec, base));
    }

    /**
     * The model directory {@code spec} names: an existing path (relative ones against {@code base}, which may be
     * null for the working directory), else a Hub id's snapshot, else the (missing) local path.
     *
     * @throws HubException when it is a Hub id that cannot be had (offline and not cached, gated, no such model)
     */
    public Path locate(String spec, Path base) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("a model directory or Hub id is required");
        }
        Path local;
        try {
            local = local(spec, base);
        } catch (InvalidPathException e) {
            local = null;
        }
        if (local != null && Files.exists(local)) {
            return local;
        }
        Optional<HubId> id = HubId.parse(spec);
        if (id.isEmpty()) {
            if (local == null) {
                throw new IllegalArgumentException("'" + spec + "' is neither a path nor a Hub id (org/name)");
            }
            return local;
        }
        return snapshot(id.get());
    }

    /** The complete snapshot directory of {@code id}, downloading what the cache lacks (unless offline). */
    public Path snapshot(HubId id) {
        try {
            if (settings.offline()) {
                return offline(id);
            }
            Optional<String> cached = cache.commit(id);
            if (id.pinned() && complete(id, cached)) {
                return cache.snapshot(id, id.revision());
            }
            HubDownloader.RepoInfo info;
            try {
                info = downloader.info(id);
            } catch (IOException e) {
                if (complete(id, cached)) {
                    LOG.warn("{}: cannot reach {} ({}); using the cached snapshot {}", id, settings.endpoint(),
                            e.getMessage(), cached.get());
                    return cache.snapshot(id, cached.get());
                }
                throw new HubException(id + ": cannot reach " + settings.endpoint() + " (" + e.getMessage()
                        + ") and the cache " + cache.repoDir(id) + " has no complete copy", e);
            }
            List<String> files = info.files().stream().filter(ModelFiles::wanted).sorted().toList();
            if (files.stream().noneMatch(f -> f.endsWith(".safetensors"))) {
                throw new HubException(id + ": the repository has no *.safetensors weights at the top level"
                        + " (prime4j reads safetensors only, not *.bin or other formats)");
            }
            cache.writeRef(id, info.sha());
            Path snapshot = cache.snapshot(id, info.sha());
            for (String file : files) {
                if (!Files.exists(snapshot.resolve(file))) {
                    LOG.info("{}: fetching {}", id, file);
                    downloader.fetch(id, info.sha(), file);
                }
            }
            Optional<String> missing = ModelFiles.firstMissing(snapshot);
            if (missing.isPresent()) {
                throw new HubException(id + ": the repository at " + info.sha() + " has no " + missing.get()
                        + ", which a prime4j model needs");
            }
            return snapshot;
        } catch (IOException e) {
            throw new HubException(id + ": " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + " (cache " + cache.repoDir(id) + ")", e);
        }
    }

    private Path offline(HubId id) throws IOException {
        Optional<String> commit = cache.commit(id);
        if (commit.isEmpty()) {
            throw new HubException("HF_HUB_OFFLINE is set and " + id + " is not in the cache: no "
                    + cache.refFile(id));
        }
        Path snapshot = cache.snapshot(id, commit.get());
        Optional<String> missing = ModelFiles.firstMissing(snapshot);
        if (missing.isPresent()) {
            throw new HubException("HF_HUB_OFFLINE is set and " + id + " is incomplete in the cache: "
                    + missing.get() + " is missing from " + snapshot);
        }
        return snapshot;
    }

    private boolean complete(HubId id, Optional<String> commit) {
        return commit.isPresent() && ModelFiles.firstMissing(cache.snapshot(id, commit.get())).isEmpty();
    }

    private static Path local(String spec, Path base) {
        return base == null ? Path.of(spec) : base.resolve(spec);
    }
}
