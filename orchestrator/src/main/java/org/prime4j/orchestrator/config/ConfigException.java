package org.prime4j.orchestrator.config;

/** A bad config file: the message names the file, the line (when known) and the dotted field. */
public final class ConfigException extends IllegalArgumentException {

    private final int line;
    private final String field;

    public ConfigException(String source, int line, String field, String problem, Throwable cause) {
        super(source + (line > 0 ? " line " + line : "") + (field == null || field.isEmpty() ? "" : ", " + field)
                + ": " + problem, cause);
        this.line = line;
        this.field = field;
    }

    /** 1-based line, or 0 when the field does not appear in the file (a required field that is missing). */
    public int line() {
        return line;
    }

    public String field() {
        return field;
    }
}
