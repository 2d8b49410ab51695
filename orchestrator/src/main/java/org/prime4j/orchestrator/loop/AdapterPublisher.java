package org.prime4j.orchestrator.loop;

import java.io.IOException;
import java.nio.file.Path;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.WeightProbe;
import org.prime4j.client.protocol.ServerException;
import org.prime4j.model.io.AtomicDirectory;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.Directories;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.nn.ProjectionAdapter;

/**
 * PRIME step 10 with LoRA: the policy adapter in PEFT layout ({@code adapter_config.json} +
 * {@code adapter_model.safetensors}, F32) written atomically as {@code weights/step-N}, then published to the
 * policy servers as {@code policy-step-N} ({@link RolloutClient#publishLora}): loaded on each server, older
 * {@code policy-step-*} adapters unloaded there, and the server's log-probs of a fixed probe under that name
 * checked against the trainer's. Like full weights, the publish succeeds when one server holds the adapter; the
 * others are stale (out of every request) until the pool has loaded it on them, also after a restart. A fresh
 * name per step, because vLLM refuses to load a name it already holds and caches adapters by name; the base
 * weights on the servers never change, so the same servers can answer the reference's requests on the base.
 */
final class AdapterPublisher implements PolicyPublisher {

    static final String NAME_PREFIX = "policy-step-";

    private final Path weights;
    private final CausalLM base;
    private final LoraAdapter adapter;
    private final RolloutClient servers;
    private String served;

    AdapterPublisher(Path weightsDir, CausalLM base, LoraAdapter adapter, RolloutClient servers) {
        this.weights = weightsDir;
        this.base = base;
        this.adapter = adapter;
        this.servers = servers;
    }

    static String nameOf(int step) {
        return NAME_PREFIX + step;
    }

    @Override
    public Path publish(int step) throws IOException, ServerException {
        Path dir = Directories.step(weights, step);
        AtomicDirectory.replace(dir, adapter::save);
        String name = nameOf(step);
        servers.publishLora(name, dir, m -> m.startsWith(NAME_PREFIX), probe(adapter));
        // From here rollouts ask for the new adapter: only servers that hold it serve.
        served = name;
        // The servers have read the files: older directories are no longer needed by anyone (a server that
        // catches up later loads the newest, which is kept).
        Directories.pruneSteps(weights, WeightPublisher.KEEP);
        return dir;
    }

    /**
     * Loads an older adapter of this run (a copy of {@code policy-step-N}) under its name again and makes rollouts
     * ask for it, probed like a publish with that adapter's own log-probs.
     */
    @Override
    public void restore(int step, Path dir) throws IOException, ServerException {
        String name = nameOf(step);
        WeightProbe probe;
        try (LoraAdapter older = LoraAdapter.load(base, dir)) {
            probe = probe(older);
        }
        servers.publishLora(name, dir, m -> m.startsWith(NAME_PREFIX), probe);
        served = name;
    }

    /** The trainer's log-probs of the fixed probe with {@code a} on the shared base (saved in F32). */
    private WeightProbe probe(LoraAdapter a) {
        ProjectionAdapter before = base.adapter(); // the base is shared with the PRM's adapter
        try {
            base.setAdapter(a);
            a.setTraining(false); // no dropout: the servers apply none
            return WeightPublisher.probe(base, DType.F32);
        } finally {
            base.setAdapter(before);
        }
    }

    @Override
    public String servedModel() {
        return served;
    }
}
