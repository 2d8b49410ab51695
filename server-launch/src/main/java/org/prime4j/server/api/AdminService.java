package org.prime4j.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prime4j.server.scheduler.BatchScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints that change the model: weight reload, prefix-cache reset, LoRA load/unload. Each runs on
 * the scheduler between batches, so no request ever sees a half-changed model. The LoRA routes exist only
 * with {@code --enable-lora} (the server registers them then, as vLLM does with runtime LoRA updating).
 */
public final class AdminService {

    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);

    /** vLLM's reply to collective_rpc: one result per worker; the embedded server has one. */
    public record RpcResponse(List<Object> results) {}

    private final BatchScheduler scheduler;
    private final ServedModels served;
    private final Path defaultWeights;
    private final int maxLoraRank;
    /** vLLM's executor state: the tags asleep; the server sleeps while any is. */
    private final Set<String> sleepingTags = new HashSet<>();

    private static final Set<String> SLEEP_TAGS = Set.of("weights", "kv_cache");

    /** @param maxLoraRank largest adapter rank accepted ({@code --max-lora-rank}) */
    public AdminService(BatchScheduler scheduler, ServedModels served, Path defaultWeights, int maxLoraRank) {
        this.scheduler = scheduler;
        this.served = served;
        this.defaultWeights = defaultWeights;
        this.maxLoraRank = maxLoraRank;
    }

    public RpcResponse collectiveRpc(CollectiveRpcRequest r) {
        if (r.method() == null) {
            throw ApiException.badRequest("method is required.", "method");
        }
        if (!r.method().equals("reload_weights")) {
            throw ApiException.badRequest("Unsupported collective_rpc method '" + r.method()
                    + "'; the embedded server supports reload_weights.", "method");
        }
        Map<String, Object> kwargs = r.kwargs() == null ? Map.of() : r.kwargs();
        Object given = kwargs.get("weights_path");
        if (given != null && !(given instanceof String)) {
            throw ApiException.badRequest("kwargs.weights_path must be a string, got " + given + ".",
                    "kwargs.weights_path");
        }
        Path dir = given == null ? defaultWeights : Path.of((String) given);
        if (!Files.isDirectory(dir)) {
            throw ApiException.badRequest("weights_path " + dir + " is not a directory.", "kwargs.weights_path");
        }
        long t0 = System.nanoTime();
        Futures.join(scheduler.control(m -> m.reloadWeights(dir)));
        LOG.debug("reloaded weights from {} in {} ms", dir, (System.nanoTime() - t0) / 1_000_000);
        return new RpcResponse(Arrays.asList((Object) null));
    }

    /** vLLM's {@code /reset_prefix_cache} reply. */
    public record ResetReply(boolean success) {}

    /**
     * The embedded server keeps no prefix cache across requests; there is nothing stale to drop, so the reset
     * always succeeds (vLLM reports false while running requests still hold cache blocks).
     */
    public ResetReply resetPrefixCache() {
        Futures.join(scheduler.control(m -> {}));
        return new ResetReply(true);
    }

    /**
     * vLLM's {@code /sleep} frees GPU memory between rollouts when a trainer shares the GPU. The embedded
     * server's weights live in host memory the trainer does not share, so sleeping frees nothing: the state
     * is recorded for {@code /is_sleeping}, and requests keep being served. As in vLLM's executor, sleeping puts
     * both tags ({@code weights}, {@code kv_cache}) to sleep and a second sleep is a no-op.
     */
    public void sleep() {
        synchronized (sleepingTags) {
            if (sleepingTags.isEmpty()) {
                sleepingTags.addAll(SLEEP_TAGS);
            }
        }
    }

    /**
     * Wakes the tags named (all when none): {@code is_sleeping} stays true until every tag is awake. A tag that is
     * not asleep makes the whole call a no-op, as vLLM's executor logs and returns.
     */
    public void wakeUp(List<String> tags) {
        synchronized (sleepingTags) {
            if (tags.isEmpty()) {
                sleepingTags.clear();
            } else if (sleepingTags.containsAll(tags)) {
                tags.forEach(sleepingTags::remove);
            } else {
                LOG.warn("wake_up: tags {} are not all asleep (sleeping: {}); nothing woken", tags, sleepingTags);
            }
        }
    }

    /** vLLM's {@code GET /is_sleeping} reply. */
    public record SleepState(boolean isSleeping) {}

    public SleepState isSleeping() {
        synchronized (sleepingTags) {
            return new SleepState(!sleepingTags.isEmpty());
        }
    }

    /**
     * Loads or (with {@code load_inplace}) replaces an adapter, with current vLLM's answers: a missing name or
     * path is 400, a path without an adapter 404, an adapter vLLM cannot serve (rank above
     * {@code --max-lora-rank}, {@code modules_to_save}) 500 with vLLM's message (releases before 0.10 said 400).
     */
    public String loadLora(LoraRequest r) {
        String name = r.loraName();
        String path = r.loraPath();
        if (name == null || name.isEmpty() || path == null || path.isEmpty()) {
            throw new ApiException(400, "InvalidUserInput", "Both 'lora_name' and 'lora_path' must be provided.",
                    null);
        }
        if (name.equals(served.baseName())) {
            throw ApiException.badRequest("The lora adapter name '" + name + "' is the base model's name.",
                    "lora_name");
        }
        boolean inplace = Boolean.TRUE.equals(r.loadInplace());
        synchronized (served) {
            if (!inplace && served.hasLora(name)) {
                throw new ApiException(400, "InvalidUserInput", "The lora adapter '" + name + "' has already been "
                        + "loaded. If you want to load the adapter in place, set 'load_inplace' to True.", null);
            }
            Path dir = Path.of(path);
            checkAdapter(name, path, dir);
            // In place: the model swaps the adapter under the name between batches (loadLora replaces it).
            Futures.join(scheduler.control(m -> m.loadLora(name, dir)));
            served.addLora(name, dir);
        }
        return "Success: LoRA adapter '" + name + "' added successfully.";
    }

    /** vLLM's PEFTHelper checks, before the model reads a weight. */
    private void checkAdapter(String name, String path, Path dir) {
        Path config = dir.resolve("adapter_config.json");
        if (!Files.isRegularFile(config)) {
            throw ApiException.notFound("Loading lora " + name + " failed: No adapter found for " + path, null);
        }
        JsonNode c;
        try {
            c = Json.MAPPER.readTree(config.toFile());
        } catch (IOException e) {
            throw new ApiException(500, "InternalServerError", config + " is not valid JSON: " + e.getMessage(),
                    null);
        }
        List<String> problems = new ArrayList<>();
        JsonNode save = c.path("modules_to_save");
        if (!save.isMissingNode() && !save.isNull() && !(save.isContainerNode() && save.isEmpty())) {
            problems.add("vLLM only supports modules_to_save being None.");
        }
        int rank = c.path("r").asInt(0);
        if (rank > maxLoraRank) {
            problems.add("LoRA rank " + rank + " is greater than max_lora_rank " + maxLoraRank + ".");
        }
        if (!problems.isEmpty()) {
            throw new ApiException(500, "InternalServerError", String.join(" ", problems), null);
        }
    }

    public String unloadLora(LoraRequest r) {
        String name = r.loraName();
        if (name == null || name.isEmpty()) {
            throw new ApiException(400, "InvalidUserInput",
                    "'lora_name' needs to be provided to unload a LoRA adapter.", null);
        }
        synchronized (served) {
            if (!served.hasLora(name)) {
                throw ApiException.notFound("The lora adapter '" + name + "' cannot be found.", null);
            }
            // Requests that resolved the name are already queued; the unload runs after them.
            Futures.join(served.removeLora(name, () -> scheduler.control(m -> m.unloadLora(name))));
        }
        return "Success: LoRA adapter '" + name + "' removed successfully.";
    }

}
