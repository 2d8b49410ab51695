package org.prime4j.testkit;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * An optional tool or data set a test needs. Where it is missing the test is skipped (counted as skipped, with
 * the missing thing named in the report), unless {@code -Dprime4j.require=} (or the environment variable
 * {@code PRIME4J_REQUIRE}) lists it: then the skip becomes a failure. CI sets that list for what it installs,
 * so a tool that silently stopped working cannot turn a test into a skip there.
 *
 * <p>Call it inside the test method, never in {@code @BeforeAll}: an aborted class setup drops the class's
 * tests from the counts instead of counting them as skipped.
 */
public enum Requirement {
    /** bubblewrap works here (the code verifier's first sandbox). */
    BWRAP,
    /** {@code unshare} + {@code setpriv} work here (the code verifier's fallback sandbox). */
    UNSHARE,
    /** numpy importable by {@code /usr/bin/python3} (Debian's python3-numpy). */
    NUMPY,
    /** the tests run as root (uid mapping of the sandboxes). */
    ROOT;

    /** The property that turns skips into failures: a comma-separated list of requirement names. */
    public static final String PROPERTY = "prime4j.require";
    /** The same list from the environment, so CI can run the README's test command unchanged. */
    public static final String ENVIRONMENT = "PRIME4J_REQUIRE";

    /** Skips the calling test when {@code present} is false, naming what is missing; fails instead if required. */
    public void assume(boolean present, String whatIsMissing) {
        if (present) {
            return;
        }
        String message = name().toLowerCase(Locale.ROOT) + " unavailable: " + whatIsMissing;
        if (required().contains(this)) {
            Assertions.fail(message + " (required by -D" + PROPERTY + " / " + ENVIRONMENT + ")");
        }
        Assumptions.abort(message);
    }

    /** The requirements named in {@code -Dprime4j.require}; an unknown name is an error, not a silent no-op. */
    public static Set<Requirement> required() {
        String list = System.getProperty(PROPERTY, "").trim();
        if (list.isEmpty()) {
            list = System.getenv().getOrDefault(ENVIRONMENT, "").trim();
        }
        if (list.isEmpty()) {
            return Set.of();
        }
        return Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> {
                    try {
                        return valueOf(s.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("-D" + PROPERTY + ": unknown requirement '" + s
                                + "' (known: " + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ")");
                    }
                })
                .collect(Collectors.toUnmodifiableSet());
    }
}
