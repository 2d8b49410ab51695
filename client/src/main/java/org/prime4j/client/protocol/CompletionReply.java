package org.prime4j.client.protocol;

import java.util.List;

/**
 * A parsed {@code /v1/completions} reply: choices sorted by {@code index}, and the usage counts.
 *
 * @param bytes size of the body read, for throughput metrics
 */
public record CompletionReply(
        String id, String model, List<CompletionChoice> choices, int promptTokens, int completionTokens, long bytes) {

    public CompletionReply {
        choices = List.copyOf(choices);
    }
}
