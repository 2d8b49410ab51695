package org.prime4j.orchestrator.task;

import java.nio.file.Path;

/** A JSONL line that cannot be used, named by file, line number and field. */
public final class BadLineException extends IllegalArgumentException {

    public BadLineException(Path file, int line, String field, String problem) {
        super(file + ":" + line + ": " + (field == null ? "" : "field '" + field + "': ") + problem);
    }
}
