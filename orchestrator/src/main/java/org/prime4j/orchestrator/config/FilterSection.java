package org.prime4j.orchestrator.config;

import org.prime4j.orchestrator.prime.AccuracyFilter;
import org.prime4j.orchestrator.settings.Checks;

/**
 * PRIME's online filter (step 4).
 *
 * @param accuracy      keep prompts whose mean score lies in [lower, upper] (on by default)
 * @param lower         inclusive lower bound (paper: 0.2)
 * @param upper         inclusive upper bound (paper: 0.8)
 * @param dropTruncated also drop groups holding a response cut at max_tokens
 */
public record FilterSection(Boolean accuracy, Double lower, Double upper, Boolean dropTruncated) {

    public FilterSection {
        accuracy = Checks.orDefault(accuracy, true);
        lower = Checks.orDefault(lower, AccuracyFilter.PAPER.lower());
        upper = Checks.orDefault(upper, AccuracyFilter.PAPER.upper());
        new AccuracyFilter(lower, upper); // the bounds' rules live there
        dropTruncated = Checks.orDefault(dropTruncated, false);
    }

    /** The accuracy filter, or null when it is off. */
    public AccuracyFilter accuracyFilter() {
        return accuracy ? new AccuracyFilter(lower, upper) : null;
    }
}
