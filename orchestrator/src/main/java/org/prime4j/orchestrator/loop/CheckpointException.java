package org.prime4j.orchestrator.loop;

import java.io.IOException;

/** A checkpoint that cannot be resumed from: the message names the checkpoint (or file, or tensor) and why. */
public final class CheckpointException extends IOException {

    public CheckpointException(String message) {
        super(message);
    }
}
