package org.prime4j.server.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.prime4j.server.scheduler.BatchScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints that change the model: weight reload, prefix-cache reset, LoRA load/unload. Each runs on
 * the scheduler between batches, so no request ever sees a half-changed model.
 */
public final class AdminService {

    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);

    /** vLLM's reply to collective_rpc: one result per worker; the embedded server has one. */
    public record RpcResponse(List<Object> results) {}

    private final BatchScheduler scheduler;
    private final ServedModels served;
    private final Path defaultWeights;
    private final boolean loraEnabled;
    private volatile boolean sleeping;

    public AdminService(BatchScheduler scheduler, ServedModels served, Path defaultWeights, boolean loraEnabled) {
        this.scheduler = scheduler;
        this.served = served;
        this.defaultWeights = defaultWeights;
        this.loraEnabled = loraEnabled;
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

    /** The embedded server keeps no prefix cache across requests; there is nothing stale to drop. */
    public void resetPrefixCache() {
        Futures.join(scheduler.control(m -> {}));
    }

    /**
     * vLLM's {@code /sleep} frees GPU memory between rollouts when a trainer shares the GPU. The embedded
     * server's weights live in host memory the trainer does not share, so sleeping frees nothing: the state
     * is recorded for {@code /is_sleeping}, and requests keep being served.
     */
    public void sleep() {
        sleeping = true;
    }

    public void wakeUp() {
        sleeping = false;
    }

    /** vLLM's {@code GET /is_sleeping} reply. */
    public record SleepState(boolean isSleeping) {}

    public SleepState isSleeping() {
        return new SleepState(sleeping);
    }

    public String loadLora(LoraRequest r) {
        requireLora();
        String name = required(r.loraName(), "lora_name");
        String path = required(r.loraPath(), "lora_path");
        if (name.equals(served.baseName())) {
            throw ApiException.badRequest("The lora adapter name '" + name + "' is the base model's name.",
                    "lora_name");
        }
        synchronized (served) {
            if (served.hasLora(name)) {
                throw ApiException.badRequest("The lora adapter '" + name + "' has already been loaded.",
                        "lora_name");
            }
            Path dir = Path.of(path);
            if (!Files.isDirectory(dir)) {
                throw ApiException.badRequest("lora_path " + path + " is not a directory.", "lora_path");
            }
            Futures.join(scheduler.control(m -> m.loadLora(name, dir)));
            served.addLora(name, dir);
        }
        return "Success: LoRA adapter '" + name + "' added successfully.";
    }

    public String unloadLora(LoraRequest r) {
        requireLora();
        String name = required(r.loraName(), "lora_name");
        synchronized (served) {
            if (!served.hasLora(name)) {
                throw ApiException.notFound("The lora adapter '" + name + "' cannot be found.", "lora_name");
            }
            // Requests that resolved the name are already queued; the unload runs after them.
            Futures.join(served.removeLora(name, () -> scheduler.control(m -> m.unloadLora(name))));
        }
        return "Success: LoRA adapter '" + name + "' removed successfully.";
    }

    private void requireLora() {
        if (!loraEnabled) {
            throw ApiException.badRequest("LoRA is not enabled; start the server with --enable-lora.", null);
        }
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest(field + " is required.", field);
        }
        return value;
    }
}
