package org.prime4j.verifiers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * What a verifier scores.
 *
 * @param response    the model's text
 * @param groundTruth the reference answer as the dataset stores it (a math answer, or a JSON string of test
 *                    cases for code)
 * @param extra       any further fields of the dataset line ({@code test_cases}, {@code entry_point},
 *                    {@code test}, {@code fn_name}, ...); never null
 */
public record VerificationItem(String response, String groundTruth, ObjectNode extra) {

    public VerificationItem {
        Objects.requireNonNull(response, "response");
        groundTruth = groundTruth == null ? "" : groundTruth;
        extra = extra == null ? JsonNodeFactory.instance.objectNode() : extra;
    }

    public static VerificationItem of(String response, String groundTruth) {
        return new VerificationItem(response, groundTruth, null);
    }

    /** An extra field, or null when absent. */
    public JsonNode field(String name) {
        JsonNode n = extra.get(name);
        return n == null || n.isNull() ? null : n;
    }
}
