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
        servers = checkLora(model, servers, run, policy, prm);
    }

    /**
     * LoRA trains two adapters over one frozen base (model.policy), which is also the reference pi_ref; the
     * policy servers then answer reference requests on that base unless told otherwise.
     */
    private static ServersSection checkLora(ModelSection model, ServersSection servers, RunSection run,
                                            PolicySettings policy, PrmSettings prm) {
        if ((policy.lora() == null) != (prm.lora() == null)) {
            throw new FieldError(policy.lora() == null ? "policy.lora" : "prm.lora", "is required when "
                    + (policy.lora() == null ? "prm.lora" : "policy.lora") + " is set: the policy and the PRM are"
                    + " two adapters over one frozen base");
        }
        if (policy.lora() == null) {
            if (servers.reference().servedByPolicy()) {
                throw new FieldError("servers.reference.same_as_policy", "needs LoRA (policy.lora and prm.lora):"
                        + " full fine-tuning changes the policy servers' weights, and the reference must not change");
            }
            return servers;
        }
        for (var other : java.util.Map.of("model.prm", model.prm(), "model.reference", model.reference()).entrySet()) {
            if (!other.getValue().equals(model.policy())) {
                throw new FieldError(other.getKey(), "must be model.policy (" + model.policy() + ") with LoRA: the"
                        + " adapters and the reference share one frozen base; got " + other.getValue());
            }
        }
        return servers.reference().sameAsPolicy() == null ? servers.withReferenceSameAsPolicy(true) : servers;
    }

    /** Whether the policy and the PRM are LoRA adapters over one frozen base. */
    public boolean lora() {
        return policy.lora() != null;
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
