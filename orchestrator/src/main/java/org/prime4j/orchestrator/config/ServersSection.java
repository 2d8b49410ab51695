package org.prime4j.orchestrator.config;

import java.nio.file.Path;
import org.prime4j.orchestrator.settings.Checks;
import org.prime4j.orchestrator.settings.FieldError;

/**
 * The policy and reference servers.
 *
 * @param requestTimeoutSeconds whole-call limit of one request (a stalled server is retried elsewhere)
 * @param reloadTimeoutSeconds  limit of one weight reload
 */
public record ServersSection(ServerRole policy, ServerRole reference, Double requestTimeoutSeconds,
                             Double reloadTimeoutSeconds) {

    public ServersSection {
        policy = Checks.orDefault(policy, ServerRole.embedded());
        reference = Checks.orDefault(reference, ServerRole.embedded());
        requestTimeoutSeconds = Checks.positive("request_timeout_seconds", Checks.orDefault(requestTimeoutSeconds, 600.0));
        reloadTimeoutSeconds = Checks.positive("reload_timeout_seconds", Checks.orDefault(reloadTimeoutSeconds, 600.0));
        if (policy.sameAsPolicy() != null) {
            throw new FieldError("policy.same_as_policy", "is only read under servers.reference");
        }
    }

    /** With the reference's {@code same_as_policy} set to {@code same}. */
    ServersSection withReferenceSameAsPolicy(boolean same) {
        return new ServersSection(policy, reference.withSameAsPolicy(same), requestTimeoutSeconds,
                reloadTimeoutSeconds);
    }

    ServersSection resolve(Path base) {
        return new ServersSection(policy.resolve(base), reference.resolve(base), requestTimeoutSeconds,
                reloadTimeoutSeconds);
    }
}
