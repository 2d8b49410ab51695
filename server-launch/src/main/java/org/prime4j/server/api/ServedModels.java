package org.prime4j.server.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The names a request's {@code model} field may take: the served base model and the loaded LoRA adapters,
 * and {@code GET /v1/models}' reply listing them.
 */
public final class ServedModels {

    /** A resolved {@code model} field: {@code lora} is null for the base model. */
    public record Target(String name, String lora) {}

    /** One entry of {@code /v1/models}, as vLLM writes it. */
    public record ModelCard(
            String id, String object, long created, String ownedBy, String root, String parent,
            Integer maxModelLen, List<Map<String, Object>> permission) {}

    public record ModelList(String object, List<ModelCard> data) {}

    private final String baseName;
    private final Path basePath;
    private final int maxModelLen;
    private final long created = Instant.now().getEpochSecond();
    private final Map<String, Path> loras = new ConcurrentSkipListMap<>();
    /**
     * Read: a request between resolving its model name and queueing its work. Write: unloading an adapter.
     * So a request that saw an adapter is queued before that adapter's unload, never after it.
     */
    private final ReentrantReadWriteLock names = new ReentrantReadWriteLock(true);

    public ServedModels(String baseName, Path basePath, int maxModelLen) {
        this.baseName = Objects.requireNonNull(baseName, "baseName");
        this.basePath = basePath;
        this.maxModelLen = maxModelLen;
    }

    public String baseName() {
        return baseName;
    }

    /** An absent {@code model} means the base model, as in vLLM; an unknown one is a 404. */
    public Target resolve(String model) {
        if (model == null || model.equals(baseName)) {
            return new Target(baseName, null);
        }
        if (loras.containsKey(model)) {
            return new Target(model, model);
        }
        throw ApiException.notFound("The model `" + model + "` does not exist.", "model");
    }

    /** Resolves {@code model} and runs {@code queue} (which must only enqueue work) before any unload. */
    public <R> R withTarget(String model, Function<Target, R> queue) {
        names.readLock().lock();
        try {
            return queue.apply(resolve(model));
        } finally {
            names.readLock().unlock();
        }
    }

    /** Forgets adapter {@code name} and runs {@code queueUnload} (which must only enqueue) atomically. */
    <R> R removeLora(String name, Supplier<R> queueUnload) {
        names.writeLock().lock();
        try {
            loras.remove(name);
            return queueUnload.get();
        } finally {
            names.writeLock().unlock();
        }
    }

    public boolean hasLora(String name) {
        return loras.containsKey(name);
    }

    void addLora(String name, Path path) {
        loras.put(name, path);
    }

    public ModelList list() {
        List<ModelCard> cards = new ArrayList<>();
        cards.add(card(baseName, basePath, null, maxModelLen));
        loras.forEach((name, path) -> cards.add(card(name, path, baseName, null)));
        return new ModelList("list", cards);
    }

    private ModelCard card(String id, Path root, String parent, Integer maxLen) {
        Map<String, Object> permission = new java.util.LinkedHashMap<>();
        permission.put("id", "modelperm-" + id);
        permission.put("object", "model_permission");
        permission.put("created", created);
        permission.put("allow_create_engine", false);
        permission.put("allow_sampling", true);
        permission.put("allow_logprobs", true);
        permission.put("allow_search_indices", false);
        permission.put("allow_view", true);
        permission.put("allow_fine_tuning", false);
        permission.put("organization", "*");
        permission.put("group", null);
        permission.put("is_blocking", false);
        return new ModelCard(id, "model", created, "vllm", root == null ? id : root.toString(), parent, maxLen,
                List.of(permission));
    }
}
