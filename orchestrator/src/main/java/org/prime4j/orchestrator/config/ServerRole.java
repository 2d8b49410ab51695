package org.prime4j.orchestrator.config;

import java.nio.file.Path;
import java.util.List;
import org.prime4j.orchestrator.settings.FieldError;
import org.prime4j.orchestrator.settings.Checks;

/**
 * The servers of one role (policy sampling or reference scoring).
 *
 * @param mode         embedded (default), launch or remote
 * @param count        embedded: how many servers to start (each holds its own copy of the model)
 * @param maxBatchSize embedded: sequences per batched model call
 * @param launchConfig launch: the launch YAML whose servers play this role
 * @param baseUrls     remote: server roots without {@code /v1}
 * @param apiKeyEnv    remote and launch: the environment variable holding the bearer token (null: none)
 * @param sameAsPolicy reference only: the policy servers also answer the reference's requests, on the base
 *                     model while rollouts use the policy's LoRA adapter (default: true with LoRA, which it
 *                     needs: full fine-tuning changes the policy servers' weights)
 */
public record ServerRole(ServerMode mode, Integer count, Integer maxBatchSize, Path launchConfig,
                         List<String> baseUrls, String apiKeyEnv, Boolean sameAsPolicy) {

    public ServerRole {
        mode = Checks.orDefault(mode, ServerMode.EMBEDDED);
        count = Checks.atLeast("count", Checks.orDefault(count, 1), 1);
        maxBatchSize = Checks.atLeast("max_batch_size", Checks.orDefault(maxBatchSize, 64), 1);
        baseUrls = baseUrls == null ? List.of() : List.copyOf(baseUrls);
        if (mode == ServerMode.LAUNCH && launchConfig == null) {
            throw new FieldError("launch_config", "is required with mode: launch");
        }
        if (mode == ServerMode.REMOTE && baseUrls.isEmpty()) {
            throw new FieldError("base_urls", "is required with mode: remote (server roots, e.g. http://gpu-1:8000)");
        }
        if (mode != ServerMode.REMOTE && !baseUrls.isEmpty()) {
            throw new FieldError("base_urls", "is only read with mode: remote (mode is " + mode.name().toLowerCase()
                    + ")");
        }
    }

    /** A role with its own servers ({@code same_as_policy} unset). */
    public ServerRole(ServerMode mode, Integer count, Integer maxBatchSize, Path launchConfig, List<String> baseUrls,
                      String apiKeyEnv) {
        this(mode, count, maxBatchSize, launchConfig, baseUrls, apiKeyEnv, null);
    }

    static ServerRole embedded() {
        return new ServerRole(null, null, null, null, null, null);
    }

    /** Whether this (reference) role is served by the policy servers. */
    public boolean servedByPolicy() {
        return Boolean.TRUE.equals(sameAsPolicy);
    }

    ServerRole withSameAsPolicy(boolean same) {
        return new ServerRole(mode, count, maxBatchSize, launchConfig, baseUrls, apiKeyEnv, same);
    }

    ServerRole resolve(Path base) {
        return launchConfig == null ? this
                : new ServerRole(mode, count, maxBatchSize, base.resolve(launchConfig), baseUrls, apiKeyEnv,
                        sameAsPolicy);
    }
}
