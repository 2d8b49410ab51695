package org.prime4j.server.launch;

/** A vLLM server that could not be brought up; the message quotes the end of its log. */
public final class LaunchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LaunchException(String message) {
        super(message);
    }

    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
