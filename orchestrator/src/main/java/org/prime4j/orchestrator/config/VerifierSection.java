package org.prime4j.orchestrator.config;

import java.nio.file.Path;
import org.prime4j.orchestrator.settings.Checks;

/**
 * Outcome rewards (step 3).
 *
 * @param deadlineSeconds  time one verification may take; past it the score is 0 (reason timeout)
 * @param parallelism      verifications at once (default: available processors)
 * @param pluginDir        directory (or jar) of verifier plugins, besides the built-in math and code
 * @param maxErrorFraction a step whose verifications fail with errors (not wrong answers, not timeouts) more
 *                         often than this stops the run: a broken verifier must not train the policy on zeros
 */
public record VerifierSection(Double deadlineSeconds, Integer parallelism, Path pluginDir, Double maxErrorFraction) {

    public VerifierSection {
        deadlineSeconds = Checks.positive("deadline_seconds", Checks.orDefault(deadlineSeconds, 10.0));
        parallelism = Checks.atLeast("parallelism",
                Checks.orDefault(parallelism, Runtime.getRuntime().availableProcessors()), 1);
        maxErrorFraction = Checks.within("max_error_fraction", Checks.orDefault(maxErrorFraction, 0.5), 0, 1);
    }

    VerifierSection resolve(Path base) {
        return pluginDir == null ? this
                : new VerifierSection(deadlineSeconds, parallelism, base.resolve(pluginDir), maxErrorFraction);
    }
}
