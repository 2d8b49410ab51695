package org.prime4j.model.hub;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Hugging Face Hub model id, {@code org/name} with an optional {@code @revision} (a branch, a tag or a
 * commit hash), as {@code Qwen/Qwen2.5-Math-1.5B} or {@code Qwen/Qwen2.5-Math-1.5B@main}.
 *
 * <p>The id rule is the Hub's (huggingface_hub's {@code validate_repo_id}): each part of word characters,
 * {@code -} and {@code .}, starting and ending with a letter, digit or {@code _}, no {@code --} or
 * {@code ..}, at most 96 characters in all. Only namespaced ids count: a bare {@code gpt2} reads as a local
 * directory name.
 */
public record HubId(String repo, String revision) {

    public static final String DEFAULT_REVISION = "main";

    private static final String PART = "[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?";
    private static final Pattern REPO = Pattern.compile(PART + "/" + PART);
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_./-]*");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    public HubId {
        if (repo == null || !isRepo(repo)) {
            throw new IllegalArgumentException("'" + repo + "' is not a Hub model id (org/name)");
        }
        revision = revision == null ? DEFAULT_REVISION : revision;
        if (!REVISION.matcher(revision).matches() || revision.contains("..")) {
            throw new IllegalArgumentException("'" + revision + "' is not a Hub revision");
        }
    }

    /** {@code org/name[@revision]} as a Hub id, or empty when the text does not have that shape. */
    public static Optional<HubId> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int at = text.indexOf('@');
        String repo = at < 0 ? text : text.substring(0, at);
        String revision = at < 0 ? null : text.substring(at + 1);
        if (!isRepo(repo) || (revision != null && (!REVISION.matcher(revision).matches() || revision.contains("..")))) {
            return Optional.empty();
        }
        return Optional.of(new HubId(repo, revision));
    }

    private static boolean isRepo(String repo) {
        return repo.length() <= 96 && REPO.matcher(repo).matches() && !repo.contains("--") && !repo.contains("..")
                && !repo.endsWith(".git");
    }

    /** Whether the revision is a full commit hash (then the cache alone can answer, with no ref to look up). */
    public boolean pinned() {
        return COMMIT.matcher(revision).matches();
    }

    /** The cache folder huggingface_hub uses: {@code models--org--name}. */
    public String cacheFolder() {
        return "models--" + repo.replace("/", "--");
    }

    @Override
    public String toString() {
        return DEFAULT_REVISION.equals(revision) ? repo : repo + "@" + revision;
    }
}
