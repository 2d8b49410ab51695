package org.prime4j.client.protocol;

import java.io.IOException;

/** A syntactically valid reply whose shape is not what the protocol promises (a missing or odd field). */
public final class MalformedReplyException extends IOException {
    public MalformedReplyException(String message) {
        super(message);
    }
}
