package org.prime4j.server.launch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.prime4j.model.hub.HubId;
import org.prime4j.model.hub.ModelLocator;

/**
 * The {@code vllm serve} invocation for a config, with what prime4j always needs:
 * <ul>
 *   <li>{@code --logprobs-mode processed_logprobs}: vLLM's default returns raw log-probs, which ignore the
 *       temperature the tokens were sampled at; PPO needs the sampler's own log-probs.</li>
 *   <li>{@code --max-logprobs}: vLLM refuses larger {@code logprobs}/{@code prompt_logprobs} requests.</li>
 *   <li>{@code --generation-config vllm}: otherwise unset sampling fields come from the checkpoint's
 *       generation_config.json (e.g. a top_p of 0.8), and the rollouts would not be what was asked for.</li>
 *   <li>{@code VLLM_SERVER_DEV_MODE=1}: enables {@code /collective_rpc} (weight reload) and
 *       {@code /reset_prefix_cache}.</li>
 *   <li>{@code VLLM_ALLOW_RUNTIME_LORA_UPDATING=True} with LoRA: enables the load/unload endpoints.</li>
 * </ul>
 * The API key travels in {@code VLLM_API_KEY} (which vLLM reads when {@code --api-key} is absent), so it
 * never shows in a process listing or in the command line prime4j logs.
 *
 * @param argv the command, executable first
 * @param env  variables to add to the inherited environment
 */
public record VllmCommandLine(List<String> argv, Map<String, String> env) {

    public VllmCommandLine {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    /**
     * Builds the invocation; {@code environment} looks up the API key variable (normally
     * {@code System::getenv}). Fails when the config names a key variable that is unset.
     */
    public static VllmCommandLine of(VllmServerConfig c, UnaryOperator<String> environment) {
        List<String> a = new ArrayList<>();
        a.add(c.executable());
        a.add("serve");
        // A Hub id goes to vLLM as it is: vLLM resolves it through the same HF cache (HF_HOME, HF_TOKEN and
        // HF_HUB_OFFLINE are inherited), so prime4j and vLLM share one download. "org/name@rev" is prime4j's
        // spelling; vLLM takes the revision as a flag.
        Optional<HubId> hub = ModelLocator.isHubId(c.model(), null) ? HubId.parse(c.model()) : Optional.empty();
        a.add(hub.map(HubId::repo).orElse(c.model()));
        if (hub.isPresent() && c.model().contains("@")) {
            add(a, "--revision", hub.get().revision());
        }
        add(a, "--host", c.host());
        add(a, "--port", c.port());
        add(a, "--tensor-parallel-size", c.tensorParallelSize());
        add(a, "--gpu-memory-utilization", c.gpuMemoryUtilization());
        add(a, "--max-model-len", c.maxModelLen());
        add(a, "--dtype", c.dtype());
        add(a, "--seed", c.seed());
        add(a, "--served-model-name", c.servedModelName());
        if (c.enableLora()) {
            a.add("--enable-lora");
            add(a, "--max-loras", c.maxLoras());
            add(a, "--max-lora-rank", c.maxLoraRank());
        }
        add(a, "--logprobs-mode", "processed_logprobs");
        add(a, "--max-logprobs", c.maxLogprobs());
        add(a, "--generation-config", "vllm");
        a.addAll(c.extraArgs());

        Map<String, String> env = new LinkedHashMap<>(c.env());
        env.put("VLLM_SERVER_DEV_MODE", "1");
        if (c.enableLora()) {
            env.put("VLLM_ALLOW_RUNTIME_LORA_UPDATING", "True");
        }
        if (c.cudaVisibleDevices() != null) {
            env.put("CUDA_VISIBLE_DEVICES", c.cudaVisibleDevices());
        }
        if (c.apiKeyEnv() != null) {
            String key = environment.apply(c.apiKeyEnv());
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("server '" + c.name() + "': api_key_env names " + c.apiKeyEnv()
                        + ", which is not set in the environment");
            }
            env.put("VLLM_API_KEY", key);
        }
        return new VllmCommandLine(a, env);
    }

    private static void add(List<String> argv, String flag, Object value) {
        if (value != null) {
            argv.add(flag);
            argv.add(value.toString());
        }
    }

    /** The command as a shell line, for logs (the key lives in the environment, so nothing is hidden). */
    public String display() {
        return String.join(" ", argv);
    }

    /** Never prints the environment's values: one of them may be the API key. */
    @Override
    public String toString() {
        return "VllmCommandLine[" + display() + ", env=" + env.keySet() + "]";
    }
}
