package org.prime4j.verifiers.code;

/** An item's tests cannot be read; the message names the field, e.g. {@code ground_truth.outputs: ...}. */
public final class BadTestSpecException extends Exception {

    public BadTestSpecException(String field, String problem) {
        super(field + ": " + problem);
    }
}
