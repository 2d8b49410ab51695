package org.prime4j.orchestrator.settings;

/** The range checks every settings record repeats, each failing with a {@link FieldError} that names the field. */
public final class Checks {

    private Checks() {}

    public static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }

    public static int atLeast(String field, int value, int min) {
        if (value < min) {
            throw new FieldError(field, "must be >= " + min + ", got " + value);
        }
        return value;
    }

    public static double positive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new FieldError(field, "must be a positive number, got " + value);
        }
        return value;
    }

    public static double nonNegative(String field, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new FieldError(field, "must be a finite number >= 0, got " + value);
        }
        return value;
    }

    public static double within(String field, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new FieldError(field, "must lie in [" + lo + ", " + hi + "], got " + value);
        }
        return value;
    }
}
