package org.prime4j.server.api;

/**
 * A request the server refuses, carried to the HTTP layer as vLLM's OpenAI error JSON:
 * {@code {"error": {"message", "type", "param", "code"}}}.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;

    public ApiException(int status, String type, String message, String param) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    /** HTTP 400 naming the offending field. */
    public static ApiException badRequest(String message, String param) {
        return new ApiException(400, "BadRequestError", message, param);
    }

    /** HTTP 404, as vLLM answers an unknown model or adapter. */
    public static ApiException notFound(String message, String param) {
        return new ApiException(404, "NotFoundError", message, param);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    /** The body vLLM sends with this error. */
    public ErrorResponse body() {
        return new ErrorResponse(new ErrorResponse.Error(getMessage(), type, param, status));
    }
}
