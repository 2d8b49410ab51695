package org.prime4j.model.hub;

/**
 * A model could not be had from the Hugging Face Hub or its cache. The message is one line a user can act
 * on: it names the model, and the missing file and cache path or the HTTP status and what to do about it. It
 * never holds the token.
 */
public final class HubException extends RuntimeException {

    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
