package org.prime4j.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.hub.HubException;
import org.prime4j.server.EmbeddedServer;
import org.prime4j.server.RequestLimits;
import org.prime4j.server.ServerOptions;
import org.prime4j.server.djl.DjlServingModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the embedded vLLM-compatible server on a model directory.")
final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "HF checkpoint (config.json, safetensors, tokenizer.json): " + ModelOption.DESCRIPTION + ".")
    String model;

    @Option(names = "--host", defaultValue = ServerOptions.DEFAULT_HOST,
            description = "Bind address (default: ${DEFAULT-VALUE}; loopback unless told otherwise).")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Require 'Authorization: Bearer KEY' on /v1/* (as vLLM). Visible in ps: prefer"
                    + " --api-key-env or $VLLM_API_KEY.")
    String apiKey;

    @Option(names = "--api-key-env", paramLabel = "VAR",
            description = "Read the API key from this environment variable (kept out of the process list).")
    String apiKeyEnv;

    @Option(names = "--served-model-name", paramLabel = "NAME",
            description = "The name requests use in 'model' (default: the --model argument, as vLLM).")
    String servedModelName;

    @Option(names = "--enable-lora", description = "Allow /v1/load_lora_adapter and /v1/unload_lora_adapter.")
    boolean enableLora;

    @Option(names = "--max-model-len", paramLabel = "N",
            description = "Context length (default: the model's max_position_embeddings).")
    Integer maxModelLen;

    @Option(names = "--max-batch-size", defaultValue = "64",
            description = "Sequences per batched model call (default: ${DEFAULT-VALUE}).")
    int maxBatchSize;

    @Option(names = "--max-logprobs", defaultValue = "20",
            description = "Largest logprobs / prompt_logprobs accepted (default: ${DEFAULT-VALUE}, as vLLM).")
    int maxLogprobs;

    @Option(names = "--max-n", paramLabel = "N",
            description = "Largest n one request may ask for (default: 4 x --max-batch-size).")
    Integer maxN;

    @Option(names = "--max-generated-tokens", paramLabel = "T",
            description = "Largest prompts x n x max_tokens one request may ask for (default: 4 x --max-batch-size"
                    + " x max_model_len).")
    Long maxGeneratedTokens;

    @Option(names = "--max-prompt-bytes", paramLabel = "B",
            description = "Largest text prompt, in UTF-8 bytes, refused before tokenizing (default: 64 x"
                    + " max_model_len).")
    Integer maxPromptBytes;

    @Option(names = "--max-lora-rank", defaultValue = "16",
            description = "Largest LoRA adapter rank /v1/load_lora_adapter accepts (default: ${DEFAULT-VALUE}, as vLLM).")
    int maxLoraRank;

    @Override
    public Integer call() throws Exception {
        Path dir;
        try {
            dir = ModelOption.locate(model);
        } catch (HubException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model: " + e.getMessage());
        }
        if (!Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model " + model + " is not a directory");
        }
        String key;
        ServerOptions options;
        try {
            key = apiKey(apiKey, apiKeyEnv, System.getenv());
            options = new ServerOptions(host, port, key, servedModelName != null ? servedModelName : model,
                    enableLora, maxBatchSize, maxLogprobs, 64,
                    new RequestLimits(maxN, maxGeneratedTokens, maxPromptBytes), maxLoraRank,
                    ServerOptions.DEFAULT_DISCONNECT_CHECK_MILLIS);
        } catch (IllegalArgumentException e) { // an option value out of range (--port, --max-batch-size, ...)
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        DjlRuntime.offline();
        DjlServingModel loaded;
        try {
            loaded = DjlServingModel.load(dir, maxModelLen);
        } catch (IllegalArgumentException e) {
            // a config.json or checkpoint prime4j cannot run (e.g. an unsupported rope_type): a bad file, exit 2
            spec.commandLine().getErr().println("prime4j serve: cannot load " + model + ": " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("prime4j serve: cannot load " + model + ": " + e.getMessage());
            return 1;
        }
        EmbeddedServer server;
        try {
            server = EmbeddedServer.start(loaded, options);
        } catch (java.io.IOException e) {
            loaded.close();
            spec.commandLine().getErr().println("prime4j serve: cannot listen on " + host + ":" + port + ": "
                    + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            loaded.close();
            stopped.countDown();
        }, "prime4j-serve-stop"));
        spec.commandLine().getOut().println("prime4j serve: " + options.servedModelName() + " on " + server.baseUrl()
                + " (max_model_len " + loaded.maxModelLen() + ", per request: n <= " + server.limits().maxN()
                + ", prompts x n x max_tokens <= " + server.limits().maxGeneratedTokens() + ", prompt <= "
                + server.limits().maxPromptBytes() + " bytes" + (key != null ? "; API key required on /v1" : "")
                + "); Ctrl-C stops");
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }

    /**
     * The key the server requires: {@code --api-key}, else the variable {@code --api-key-env} names, else
     * {@code VLLM_API_KEY} (as vLLM), else none.
     */
    static String apiKey(String literal, String envVar, java.util.Map<String, String> env) {
        if (literal != null && envVar != null) {
            throw new IllegalArgumentException("give --api-key or --api-key-env, not both");
        }
        if (literal != null) {
            return literal;
        }
        if (envVar != null) {
            String value = env.get(envVar);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("--api-key-env " + envVar + ": the variable is not set");
            }
            return value;
        }
        String vllm = env.get("VLLM_API_KEY");
        return vllm == null || vllm.isBlank() ? null : vllm;
    }
}
