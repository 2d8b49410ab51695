package org.prime4j.orchestrator.config;

import java.nio.file.Path;
import org.prime4j.model.hub.ModelLocator;
import org.prime4j.orchestrator.prime.AdvantageConfig;
import org.prime4j.orchestrator.train.PolicySettings;
import org.prime4j.orchestrator.train.PrmSettings;
import org.prime4j.orchestrator.settings.FieldError;
import org.prime4j.orchestrator.settings.Checks;

/**
 * A {@code prime4j train} run, as its YAML describes it: every section has defaults (the paper's where it
 * has one) except {@code model.policy} and {@code data.train}. Read it with {@link TrainConfigReader}, which
 * names the file, line and field of any bad value; build it in code with the section records.
 */
public record TrainConfig(ModelSection model, ServersSection servers, DataSection data, RolloutSection rollout,
                          FilterSection filter, PrmSettings prm, PolicySettings policy, AdvantageConfig advantage,
                          VerifierSection verifier, RunSection run) {

    public TrainConfig {
        if (model == null) {
            throw new FieldError("model", "is required (model.policy: the policy's initial checkpoint)");
        }
        if (data == null) {
            throw new FieldError("data", "is required (data.train: a JSONL or parquet file of prompts)");
        }
        servers = Checks.orDefault(servers, new ServersSection(null, null, null, null));
        rollout = Checks.orDefault(rollout, new RolloutSection(null, null, null, null, null, null, null, null));
        filter = Checks.orDefault(filter, new FilterSection(null, null, null, null));
        prm = Checks.orDefault(prm, PrmSettings.defaults());
        policy = Checks.orDefault(policy, PolicySettings.defaults());
        advantage = Checks.orDefault(advantage, AdvantageConfig.PAPER);
        verifier = Checks.orDefault(verifier, new VerifierSection(null, null, null, null));
        run = Checks.orDefault(run, new RunSection(null, null, null, null, null, null, null));
        if (run.evalEvery() > 0 && data.eval() == null) {
            throw new FieldError("run.eval_every", "is " + run.evalEvery() + " but data.eval names no held-out file");
        }
    }

    /**
     * Relative paths of the file resolved against {@code base} (the config file's directory), and model Hub ids
     * to their directories in the HF cache (this process's HF_* environment).
     */
    public TrainConfig resolve(Path base) {
        return resolve(base, ModelLocator.fromEnvironment());
    }

    /** As {@link #resolve(Path)}, with Hub ids looked up by {@code models}. */
    public TrainConfig resolve(Path base, ModelLocator models) {
        return new TrainConfig(model.resolve(base, models), servers.resolve(base), data.resolve(base), rollout, filter, prm,
                policy, advantage, verifier.resolve(base), run.resolve(base));
    }

    public TrainConfig withRun(RunSection r) {
        return new TrainConfig(model, servers, data, rollout, filter, prm, policy, advantage, verifier, r);
    }


}
