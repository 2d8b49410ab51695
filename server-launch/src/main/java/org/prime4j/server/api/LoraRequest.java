package org.prime4j.server.api;

/**
 * {@code POST /v1/load_lora_adapter} and {@code /v1/unload_lora_adapter}.
 *
 * @param loadInplace replace an adapter already loaded under {@code loraName} (vLLM's {@code load_inplace})
 */
public record LoraRequest(String loraName, String loraPath, Boolean loadInplace) {}
