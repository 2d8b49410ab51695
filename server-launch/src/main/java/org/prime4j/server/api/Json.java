package org.prime4j.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.stream.Collectors;

/**
 * The protocol's JSON: snake_case names as vLLM spells them, unknown request fields ignored (vLLM ignores
 * them too), no silent number coercion (vLLM's pydantic models reject {@code "n": 1.5}).
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);

    private Json() {}

    /** Reads a request body, turning Jackson's complaints into a 400 that names the field. */
    public static <T> T readRequest(byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw ApiException.badRequest("The request body is empty; expected a JSON object.", null);
        }
        try {
            JsonNode tree = MAPPER.readTree(body);
            if (tree == null || !tree.isObject()) {
                // A body of null once reached the services as a null request (500, NullPointerException).
                String got = tree == null || tree.isMissingNode() ? "nothing" : tree.getNodeType().toString()
                        .toLowerCase(java.util.Locale.ROOT);
                throw ApiException.badRequest("The request body must be a JSON object, got " + got + ".", "body");
            }
            return MAPPER.treeToValue(tree, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw ApiException.badRequest(cause.getMessage(), fieldPath(e));
        } catch (InvalidFormatException e) {
            throw ApiException.badRequest(fieldPath(e) + ": expected " + e.getTargetType().getSimpleName()
                    + ", got " + e.getValue(), fieldPath(e));
        } catch (MismatchedInputException e) {
            String field = fieldPath(e);
            String expected = e.getTargetType() == null ? "another type" : e.getTargetType().getSimpleName();
            throw ApiException.badRequest((field == null ? "body" : field) + ": expected " + expected
                    + " (" + e.getOriginalMessage() + ")", field);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("Invalid JSON: " + e.getOriginalMessage(), null);
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("Unreadable request body: " + e.getMessage(), null);
        }
    }

    private static String fieldPath(JsonMappingException e) {
        if (e.getPath().isEmpty()) {
            return null;
        }
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
                .collect(Collectors.joining("."));
    }
}
