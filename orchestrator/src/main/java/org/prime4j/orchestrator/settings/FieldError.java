package org.prime4j.orchestrator.settings;

/**
 * A config value that fails validation, thrown from a settings record's compact constructor. {@code field} is the
 * dotted path relative to that section ({@code k}, {@code policy.base_urls}); the reader prefixes the
 * section's own path and finds the line in the YAML.
 */
public final class FieldError extends IllegalArgumentException {

    private final String field;

    public FieldError(String field, String problem) {
        super(problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
