package org.prime4j.model.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hub's HTTP side: the file list of a revision ({@code GET /api/models/{id}/revision/{rev}}) and one
 * file ({@code /{id}/resolve/{commit}/{file}}) into the cache, the way huggingface_hub does it: a HEAD
 * without redirects gives the blob's ETag ({@code X-Linked-Etag} for LFS files, the sha256), then a GET that
 * follows redirects (to the CDN) writes {@code blobs/<etag>.incomplete}, resuming with {@code Range} after a
 * cut, checks the sha256 and moves it to {@code blobs/<etag>}. The token goes in {@code Authorization} and
 * nowhere else (OkHttp drops it on a redirect to another host).
 */
final class HubDownloader {

    private static final Logger LOG = LoggerFactory.getLogger(HubDownloader.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SAFE_ETAG = Pattern.compile("[0-9A-Za-z_-]{1,128}");
    static final int ATTEMPTS = 4;

    /** A revision as the Hub lists it: the commit it resolves to and every file's path. */
    record RepoInfo(String sha, List<String> files) {}

    /** What the HEAD of a file says: its blob name, its size (-1 when not said). */
    private record Meta(String etag, long size) {}

    private final HubSettings settings;
    private final HubCache cache;
    private final OkHttpClient http;
    private final OkHttpClient noRedirects;
    private final Duration retryPause;

    HubDownloader(HubSettings settings, HubCache cache, OkHttpClient http, Duration retryPause) {
        this.settings = settings;
        this.cache = cache;
        this.http = http;
        this.noRedirects = http.newBuilder().followRedirects(false).followSslRedirects(false).build();
        this.retryPause = retryPause;
    }

    RepoInfo info(HubId id) throws IOException {
        String[] parts = id.repo().split("/");
        HttpUrl url = endpoint().newBuilder().addPathSegment("api").addPathSegment("models")
                .addPathSegment(parts[0]).addPathSegment(parts[1])
                .addPathSegment("revision").addPathSegment(id.revision()).build();
        try (Response r = http.newCall(request(url).build()).execute()) {
            if (!r.isSuccessful()) {
                throw refused(id, r, null);
            }
            JsonNode root = JSON.readTree(r.body().byteStream());
            String sha = root.path("sha").asText("");
            if (!COMMIT.matcher(sha).matches()) {
                throw new HubException(id + ": " + url + " answered without a commit hash ('sha')");
            }
            List<String> files = new ArrayList<>();
            for (JsonNode s : root.path("siblings")) {
                String name = s.path("rfilename").asText("");
                if (!name.isEmpty()) {
                    files.add(name);
                }
            }
            return new RepoInfo(sha, files);
        }
    }

    /** Downloads {@code file} of {@code commit} into the cache unless its blob is there; links the snapshot. */
    void fetch(HubId id, String commit, String file) throws IOException {
        HttpUrl url = resolveUrl(id, commit, file);
        Meta meta = head(id, url, file);
        Path blob = cache.blob(id, meta.etag());
        if (!Files.isRegularFile(blob)) {
            download(id, url, file, meta, blob);
        }
        cache.link(id, commit, file, meta.etag());
    }

    private HttpUrl resolveUrl(HubId id, String commit, String file) {
        String[] parts = id.repo().split("/");
        HttpUrl.Builder b = endpoint().newBuilder().addPathSegment(parts[0]).addPathSegment(parts[1])
                .addPathSegment("resolve").addPathSegment(commit);
        for (String segment : file.split("/")) {
            b.addPathSegment(segment);
        }
        return b.build();
    }

    private Meta head(HubId id, HttpUrl url, String file) throws IOException {
        HttpUrl at = url;
        for (int hop = 0; hop < 6; hop++) {
            try (Response r = noRedirects.newCall(request(at).head().build()).execute()) {
                String linked = r.header("X-Linked-Etag");
                if (r.isRedirect() && linked == null && r.header("Location") != null) {
                    at = at.resolve(r.header("Location")); // a renamed repository: follow to the new name
                    continue;
                }
                if (!r.isSuccessful() && !r.isRedirect()) {
                    throw refused(id, r, file);
                }
                String etag = normalize(linked != null ? linked : r.header("ETag"));
                if (etag == null || !SAFE_ETAG.matcher(etag).matches()) {
                    throw new HubException(id + ": the Hub gave no usable ETag for " + file + " (" + at + ")");
                }
                String size = linked != null ? r.header("X-Linked-Size") : r.header("Content-Length");
                return new Meta(etag, parseSize(size));
            }
        }
        throw new HubException(id + ": too many redirects for " + file + " (" + url + ")");
    }

    private void download(HubId id, HttpUrl url, String file, Meta meta, Path blob) throws IOException {
        Path part = cache.incomplete(id, meta.etag());
        Files.createDirectories(part.getParent());
        long expected = meta.size();
        for (int attempt = 1; ; attempt++) {
            long have = Files.isRegularFile(part) ? Files.size(part) : 0;
            if (expected >= 0 && have > expected) {
                Files.delete(part);
                have = 0;
            }
            if (expected >= 0 && have == expected && have > 0) {
                break; // an earlier run got every byte but stopped before the check
            }
            Request.Builder req = request(url);
            if (have > 0) {
                req.header("Range", "bytes=" + have + "-");
                LOG.info("{}: resuming {} at {} bytes", id, file, have);
            }
            try (Response r = http.newCall(req.build()).execute()) {
                if (r.code() == 416) {
                    Files.deleteIfExists(part); // the range no longer fits: start over
                    throw new IOException("HTTP 416 for a resumed range");
                }
                if (!r.isSuccessful()) {
                    if (r.code() >= 500 && attempt < ATTEMPTS) {
                        throw new IOException("HTTP " + r.code());
                    }
                    throw refused(id, r, file);
                }
                boolean append = r.code() == 206 && have > 0;
                long start = append ? have : 0;
                long length = r.body().contentLength();
                long total = expected >= 0 ? expected : length >= 0 ? start + length : -1;
                try (InputStream in = r.body().byteStream();
                     OutputStream out = append
                             ? Files.newOutputStream(part, StandardOpenOption.APPEND)
                             : Files.newOutputStream(part);
                     ProgressBar bar = bar(file, total, start)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        out.write(buf, 0, n);
                        if (bar != null) {
                            bar.stepBy(n);
                        }
                    }
                }
                long got = Files.size(part);
                if (total >= 0 && got < total) {
                    throw new EOFException("the connection closed at " + got + " of " + total + " bytes");
                }
                break;
            } catch (IOException e) {
                long got = Files.isRegularFile(part) ? Files.size(part) : 0;
                if (attempt >= ATTEMPTS) {
                    throw new HubException(id + ": download of " + file + " broke off at " + got + " bytes after "
                            + attempt + " attempts (" + e.getMessage() + "); run again to resume from " + part, e);
                }
                LOG.warn("{}: download of {} broke off at {} bytes ({}); resuming", id, file, got, e.getMessage());
                pause(attempt);
            }
        }
        if (SHA256.matcher(meta.etag()).matches()) {
            String sha = sha256(part);
            if (!sha.equals(meta.etag())) {
                Files.deleteIfExists(part);
                throw new HubException(id + ": " + file + " has sha256 " + sha + " but the Hub says " + meta.etag()
                        + "; the download was deleted, run again");
            }
        }
        HubCache.move(part, blob);
    }

    private ProgressBar bar(String file, long total, long start) {
        if (!settings.progress()) {
            return null;
        }
        return new ProgressBarBuilder()
                .setTaskName(file)
                .setInitialMax(total)
                .setUnit("MiB", 1 << 20)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .startsFrom(start, Duration.ZERO)
                // Without a terminal (logs, CI) the width is unknown and the stats would be cut off.
                .setConsumer(System.console() == null
                        ? new ConsoleProgressBarConsumer(System.err, 150)
                        : new ConsoleProgressBarConsumer(System.err))
                .build();
    }

    /** One line saying what the refusal means and what to do. */
    HubException refused(HubId id, Response r, String file) {
        int code = r.code();
        String errorCode = r.header("X-Error-Code", "");
        String page = settings.endpoint() + "/" + id.repo();
        String what = file == null ? "" : " (" + file + ")";
        if ("RevisionNotFound".equals(errorCode)) {
            return new HubException(id + ": model " + id.repo() + " has no revision '" + id.revision() + "' on "
                    + settings.endpoint() + " (HTTP " + code + ")");
        }
        if ("EntryNotFound".equals(errorCode)) {
            return new HubException(id + ": the repository has no file " + file + " (HTTP " + code + ")");
        }
        if ("GatedRepo".equals(errorCode) || (code == 401 || code == 403) && !"RepositoryNotFound".equals(errorCode)) {
            return new HubException(id + ": the Hub refused access (HTTP " + code + ")" + what
                    + ": the model is gated or private; " + (settings.token() == null
                            ? "set HF_TOKEN to an access token of an account that has accepted its licence at "
                            : "HF_TOKEN is set but its account has no access; accept the licence at ")
                    + page);
        }
        if (code == 404 || "RepositoryNotFound".equals(errorCode)) {
            return new HubException(id + ": no such model or revision on " + settings.endpoint() + " (HTTP " + code
                    + ")" + what + (settings.token() == null ? "; if it is private, set HF_TOKEN" : ""));
        }
        return new HubException(id + ": " + settings.endpoint() + " answered HTTP " + code + what);
    }

    private Request.Builder request(HttpUrl url) {
        Request.Builder b = new Request.Builder().url(url).header("User-Agent", "prime4j");
        if (settings.token() != null) {
            b.header("Authorization", "Bearer " + settings.token());
        }
        return b;
    }

    private HttpUrl endpoint() {
        HttpUrl url = HttpUrl.parse(settings.endpoint());
        if (url == null) {
            throw new HubException("HF_ENDPOINT '" + settings.endpoint() + "' is not an http(s) URL");
        }
        return url;
    }

    private void pause(int attempt) {
        try {
            Thread.sleep(retryPause.toMillis() * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while downloading");
        }
    }

    /** {@code W/"abc"} and {@code "abc"} to {@code abc}, as huggingface_hub names blobs. */
    static String normalize(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.replace("\"", "");
    }

    private static long parseSize(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
