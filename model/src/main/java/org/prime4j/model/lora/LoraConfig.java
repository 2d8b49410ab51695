package org.prime4j.model.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prime4j.model.nn.ParamNames;

/**
 * PEFT's {@code adapter_config.json} for a plain LoRA adapter (peft_type LORA, task_type CAUSAL_LM, bias "none").
 * Variants that change the math (DoRA, rsLoRA, fan_in_fan_out, per-layer patterns) are rejected on read rather
 * than silently run as plain LoRA.
 *
 * @param r             rank
 * @param alpha         lora_alpha; the update is scaled by alpha / r
 * @param targetModules projection names, e.g. q_proj, v_proj
 * @param dropout       lora_dropout on the adapter's input while training
 * @param baseModel     base_model_name_or_path (informational)
 */
public record LoraConfig(int r, double alpha, List<String> targetModules, double dropout, String baseModel) {

    public static final String FILE = "adapter_config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public LoraConfig {
        if (r <= 0) {
            throw new IllegalArgumentException("r must be > 0, got " + r);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("lora_alpha must be > 0, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
        }
        if (targetModules == null || targetModules.isEmpty()) {
            throw new IllegalArgumentException("target_modules must name at least one projection");
        }
        for (String m : targetModules) {
            if (!ParamNames.ATTENTION_PROJECTIONS.contains(m) && !ParamNames.MLP_PROJECTIONS.contains(m)) {
                throw new IllegalArgumentException("target_modules entry '" + m + "' is not one of "
                        + ParamNames.ATTENTION_PROJECTIONS + " " + ParamNames.MLP_PROJECTIONS);
            }
        }
        targetModules = List.copyOf(targetModules);
        baseModel = baseModel == null ? "" : baseModel;
    }

    public double scale() {
        return alpha / r;
    }

    public static LoraConfig read(Path file) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        try {
            return parse(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static LoraConfig parse(JsonNode n) {
        requireValue(n, "peft_type", "LORA");
        requireValue(n, "bias", "none");
        requireFalse(n, "use_dora");
        requireFalse(n, "use_rslora");
        requireFalse(n, "fan_in_fan_out");
        for (String f : List.of("rank_pattern", "alpha_pattern")) {
            if (n.hasNonNull(f) && n.get(f).size() > 0) {
                throw new IllegalArgumentException(f + " is not supported (per-module ranks/alphas)");
            }
        }
        if (n.hasNonNull("layers_to_transform")) {
            throw new IllegalArgumentException("layers_to_transform is not supported");
        }
        if (!n.hasNonNull("r") || !n.hasNonNull("lora_alpha") || !n.hasNonNull("target_modules")) {
            throw new IllegalArgumentException("adapter config needs r, lora_alpha and target_modules");
        }
        JsonNode t = n.get("target_modules");
        List<String> targets = new ArrayList<>();
        if (t.isTextual()) {
            throw new IllegalArgumentException("target_modules as a regex ('" + t.asText() + "') is not supported;"
                    + " list the projections");
        }
        t.forEach(x -> targets.add(x.asText()));
        return new LoraConfig(n.get("r").asInt(), n.get("lora_alpha").asDouble(), targets,
                n.path("lora_dropout").asDouble(0), n.path("base_model_name_or_path").asText(""));
    }

    private static void requireValue(JsonNode n, String field, String expected) {
        if (n.hasNonNull(field) && !n.get(field).asText().equals(expected)) {
            throw new IllegalArgumentException(field + " must be \"" + expected + "\", got \""
                    + n.get(field).asText() + "\"");
        }
    }

    private static void requireFalse(JsonNode n, String field) {
        if (n.path(field).asBoolean(false)) {
            throw new IllegalArgumentException(field + " = true is not supported");
        }
    }

    public void write(Path file) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("peft_type", "LORA");
        n.put("task_type", "CAUSAL_LM");
        n.put("base_model_name_or_path", baseModel);
        n.put("r", r);
        n.put("lora_alpha", alpha);
        n.put("lora_dropout", dropout);
        n.put("bias", "none");
        n.put("fan_in_fan_out", false);
        n.put("inference_mode", true);
        n.put("use_rslora", false);
        n.put("use_dora", false);
        targetModules.forEach(n.putArray("target_modules")::add);
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
    }
}
