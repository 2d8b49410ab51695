package org.prime4j.server.api;

/** vLLM's error body: {@code {"error": {"message", "type", "param", "code"}}}. */
public record ErrorResponse(Error error) {

    public record Error(String message, String type, String param, int code) {}

    public static ErrorResponse unavailable(String message) {
        return new ErrorResponse(new Error(message, "ServiceUnavailableError", null, 503));
    }

    public static ErrorResponse internal(String message) {
        return new ErrorResponse(new Error(message, "InternalServerError", null, 500));
    }
}
