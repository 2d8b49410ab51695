package org.prime4j.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.prime4j.model.DjlRuntime;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.HfCheckpoint;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.lora.LoraConfig;
import org.prime4j.model.nn.CausalLM;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prime4j merge}: a LoRA adapter folded into its base, written as a full HF checkpoint. */
@Command(name = "merge", mixinStandardHelpOptions = true, description = {
        "Merge a LoRA adapter (PEFT layout, e.g. a LoRA run's weights/step-N or checkpoints/step-N/policy-adapter)",
        "into its base model: W + (alpha / r) * B A for every adapted projection, written as a full HF checkpoint",
        "(config.json, safetensors, the base's tokenizer files) that vLLM or prime4j serve/eval can load."})
final class MergeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--base", required = true, paramLabel = "DIR", description = "The base HF checkpoint the adapter was trained on.")
    Path base;

    @Option(names = "--adapter", required = true, paramLabel = "DIR",
            description = "The adapter: adapter_config.json + adapter_model.safetensors.")
    Path adapter;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the merged checkpoint goes (must not exist).")
    Path out;

    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "TYPE",
            description = "Stored weight type: f32, bf16 or f16 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Override
    public Integer call() {
        DType type;
        try {
            type = DType.valueOf(dtype.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dtype must be f32, bf16 or f16, got " + dtype);
        }
        if (!Files.isRegularFile(base.resolve("config.json"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--base " + base + " holds no config.json");
        }
        if (!Files.isRegularFile(adapter.resolve(LoraConfig.FILE))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--adapter " + adapter + " holds no "
                    + LoraConfig.FILE);
        }
        if (Files.exists(out)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + " exists; choose a new directory");
        }
        DjlRuntime.offline();
        try (CausalLM model = CausalLM.load(base)) {
            try (LoraAdapter lora = LoraAdapter.load(model, adapter)) {
                lora.mergeInto(model);
            }
            HfCheckpoint.write(out, model.config(), model.toHost(), type, 0, base);
            Path generation = base.resolve("generation_config.json");
            if (Files.isRegularFile(generation)) {
                Files.copy(generation, out.resolve("generation_config.json"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("prime4j merge: " + e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().println("prime4j merge: wrote " + out + " (" + base + " + " + adapter + ", "
                + type.name().toLowerCase(Locale.ROOT) + ")");
        return 0;
    }
}
