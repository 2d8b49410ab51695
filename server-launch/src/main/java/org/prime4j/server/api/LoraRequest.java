package org.prime4j.server.api;

/** {@code POST /v1/load_lora_adapter} and {@code /v1/unload_lora_adapter}. */
public record LoraRequest(String loraName, String loraPath) {}
