package org.prime4j.server.launch;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One {@code vllm serve} process, as the launch YAML describes it. Absent fields take the defaults below;
 * every value is checked here, so a config that loads is one the launcher can run.
 *
 * @param name                  label for logs and errors, unique within a launch file
 * @param model                 checkpoint directory or Hugging Face Hub id ({@code org/name}, optionally
 *                              {@code @revision}, passed to vLLM as {@code org/name --revision rev}); vLLM
 *                              downloads it into the shared HF cache itself
 * @param host                  bind address (default 127.0.0.1)
 * @param port                  listening port (required)
 * @param tensorParallelSize    GPUs per server (default 1)
 * @param gpuMemoryUtilization  fraction of GPU memory vLLM may take (default 0.9)
 * @param maxModelLen           context length; vLLM's default (the model's) when absent
 * @param dtype                 "auto", "bfloat16", "float16", ... (vLLM's default when absent)
 * @param seed                  vLLM's global seed, when set
 * @param servedModelName       the name requests use; the model path when absent
 * @param enableLora            allow runtime LoRA adapters (adds the runtime-update env var too)
 * @param maxLoras              adapters resident at once, with LoRA
 * @param maxLoraRank           largest adapter rank, with LoRA
 * @param maxLogprobs           {@code --max-logprobs}, at least what prime4j asks for (default 20)
 * @param apiKeyEnv             name of the environment variable that holds the API key (the key itself
 *                              never enters a config file, a command line or a log)
 * @param cudaVisibleDevices    {@code CUDA_VISIBLE_DEVICES} for this server, e.g. "0" or "2,3"
 * @param executable            the vLLM launcher to run (default {@code vllm}, looked up on PATH)
 * @param logFile               where the server's stdout and stderr go (default {@code logs/vllm-<name>.log})
 * @param startupTimeoutSeconds how long to wait for {@code /health} (default 900: large models load slowly)
 * @param extraArgs             further {@code vllm serve} flags, passed through
 * @param env                   further environment variables for the process
 */
public record VllmServerConfig(
        String name,
        String model,
        String host,
        Integer port,
        Integer tensorParallelSize,
        Double gpuMemoryUtilization,
        Integer maxModelLen,
        String dtype,
        Long seed,
        String servedModelName,
        Boolean enableLora,
        Integer maxLoras,
        Integer maxLoraRank,
        Integer maxLogprobs,
        String apiKeyEnv,
        String cudaVisibleDevices,
        String executable,
        Path logFile,
        Integer startupTimeoutSeconds,
        List<String> extraArgs,
        Map<String, String> env) {

    /** Flags prime4j sets itself; letting extra_args override them would break what prime4j relies on. */
    static final List<String> MANAGED_FLAGS = List.of("--logprobs-mode", "--max-logprobs", "--generation-config",
            "--host", "--port", "--api-key", "--enable-lora", "--served-model-name");

    public VllmServerConfig {
        name = require(name, "name");
        model = require(model, "model");
        host = host == null ? "127.0.0.1" : host;
        if (port == null) {
            throw new IllegalArgumentException("port is required");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
        }
        tensorParallelSize = tensorParallelSize == null ? 1 : tensorParallelSize;
        if (tensorParallelSize < 1) {
            throw new IllegalArgumentException("tensor_parallel_size must be at least 1, got " + tensorParallelSize);
        }
        gpuMemoryUtilization = gpuMemoryUtilization == null ? 0.9 : gpuMemoryUtilization;
        if (!(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) {
            throw new IllegalArgumentException("gpu_memory_utilization must be in (0, 1], got " + gpuMemoryUtilization);
        }
        if (maxModelLen != null && maxModelLen < 1) {
            throw new IllegalArgumentException("max_model_len must be at least 1, got " + maxModelLen);
        }
        enableLora = enableLora != null && enableLora;
        if (!enableLora && (maxLoras != null || maxLoraRank != null)) {
            throw new IllegalArgumentException("max_loras and max_lora_rank need enable_lora: true");
        }
        if (maxLoras != null && maxLoras < 1) {
            throw new IllegalArgumentException("max_loras must be at least 1, got " + maxLoras);
        }
        if (maxLoraRank != null && maxLoraRank < 1) {
            throw new IllegalArgumentException("max_lora_rank must be at least 1, got " + maxLoraRank);
        }
        maxLogprobs = maxLogprobs == null ? 20 : maxLogprobs;
        if (maxLogprobs < 1) {
            throw new IllegalArgumentException("max_logprobs must be at least 1 (prime4j asks for logprobs), got "
                    + maxLogprobs);
        }
        if (apiKeyEnv != null && !apiKeyEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("api_key_env must name an environment variable, got '" + apiKeyEnv
                    + "' (put the key in that variable, not in the config)");
        }
        if (cudaVisibleDevices != null && !cudaVisibleDevices.matches("[0-9]+(,[0-9]+)*")) {
            throw new IllegalArgumentException("cuda_visible_devices must be a comma-separated list of GPU indices, "
                    + "got '" + cudaVisibleDevices + "'");
        }
        executable = executable == null ? "vllm" : executable;
        logFile = logFile == null ? Path.of("logs", "vllm-" + name + ".log") : logFile;
        startupTimeoutSeconds = startupTimeoutSeconds == null ? 900 : startupTimeoutSeconds;
        if (startupTimeoutSeconds < 1) {
            throw new IllegalArgumentException("startup_timeout_seconds must be at least 1, got " + startupTimeoutSeconds);
        }
        extraArgs = extraArgs == null ? List.of() : List.copyOf(extraArgs);
        for (String arg : extraArgs) {
            String flag = arg.split("=", 2)[0];
            if (MANAGED_FLAGS.contains(flag)) {
                throw new IllegalArgumentException("extra_args may not set " + flag
                        + ": prime4j sets it (use the config field of that name)");
            }
        }
        env = env == null ? Map.of() : Map.copyOf(env);
    }

    /** The ranks recent vLLM accepts for {@code --max-lora-rank} (its MaxLoRARanks); others fail at startup. */
    public static final List<Integer> VLLM_LORA_RANKS = List.of(1, 8, 16, 32, 64, 128, 256, 320, 512);

    /**
     * This server with runtime LoRA on, taking adapters up to rank {@code rank} (rounded up to a rank vLLM
     * accepts) and at least {@code loras} resident at once; larger values already configured are kept.
     */
    public VllmServerConfig withLora(int rank, int loras) {
        int need = VLLM_LORA_RANKS.stream().filter(x -> x >= rank).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("LoRA rank " + rank + " exceeds vLLM's largest, "
                        + VLLM_LORA_RANKS.get(VLLM_LORA_RANKS.size() - 1)));
        int r = maxLoraRank == null ? need : Math.max(maxLoraRank, need);
        int n = maxLoras == null ? loras : Math.max(maxLoras, loras);
        return new VllmServerConfig(name, model, host, port, tensorParallelSize, gpuMemoryUtilization, maxModelLen,
                dtype, seed, servedModelName, true, n, r, maxLogprobs, apiKeyEnv, cudaVisibleDevices, executable,
                logFile, startupTimeoutSeconds, extraArgs, env);
    }

    /** A config with the required fields only; the rest take their defaults. */
    public static VllmServerConfig of(String name, String model, int port) {
        return new VllmServerConfig(name, model, null, port, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null);
    }

    @JsonIgnore
    public Duration startupTimeout() {
        return Duration.ofSeconds(startupTimeoutSeconds);
    }

    private static String require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }
}
