package org.prime4j.server.api;

import java.util.List;

/** {@code POST /detokenize}. */
public record DetokenizeRequest(String model, List<Integer> tokens) {}
