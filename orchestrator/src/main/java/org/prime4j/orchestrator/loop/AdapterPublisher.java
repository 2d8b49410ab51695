package org.prime4j.orchestrator.loop;

import java.io.IOException;
import java.nio.file.Path;
import org.prime4j.client.RolloutClient;
import org.prime4j.client.protocol.ServerException;
import org.prime4j.model.io.AtomicDirectory;
import org.prime4j.model.io.Directories;
import org.prime4j.model.lora.LoraAdapter;

/**
 * PRIME step 10 with LoRA: the policy adapter in PEFT layout ({@code adapter_config.json} +
 * {@code adapter_model.safetensors}) written atomically as {@code weights/step-N}, loaded on every policy server
 * with {@code /v1/load_lora_adapter} as {@code policy-step-N}, then the previous step's adapter unloaded. A
 * fresh name per step, because vLLM refuses to load a name it already holds and caches adapters by name; the
 * base weights on the servers never change, so the same servers can answer the reference's requests on the base.
 */
final class AdapterPublisher implements PolicyPublisher {

    static final String NAME_PREFIX = "policy-step-";

    private final Path weights;
    private final LoraAdapter adapter;
    private final RolloutClient servers;
    private String served;

    AdapterPublisher(Path weightsDir, LoraAdapter adapter, RolloutClient servers) {
        this.weights = weightsDir;
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
        if (served == null) {
            // Servers that outlived an earlier process (remote, or a resumed run) may still hold this name, and
            // vLLM refuses to load a name twice.
            try {
                servers.unloadLora(name);
            } catch (ServerException notLoaded) {
                // The usual case: nothing of that name was there.
            }
        }
        servers.loadLora(name, dir);
        String previous = served;
        // From here rollouts ask for the new adapter, even if unloading the old one fails below.
        served = name;
        if (previous != null && !previous.equals(name)) {
            servers.unloadLora(previous);
        }
        // The servers have read the files: older directories are no longer needed by anyone.
        Directories.pruneSteps(weights, WeightPublisher.KEEP);
        return dir;
    }

    @Override
    public String servedModel() {
        return served;
    }
}
