package org.prime4j.orchestrator.loop;

import java.io.IOException;
import java.nio.file.Path;
import org.prime4j.client.Seeds;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.orchestrator.config.TrainConfig;
import org.prime4j.orchestrator.train.PolicySettings;
import org.prime4j.orchestrator.train.PolicyTrainer;
import org.prime4j.orchestrator.train.PrmSettings;
import org.prime4j.orchestrator.train.PrmTrainer;

/**
 * The models a run trains, held for its whole length. Full fine-tuning: a policy and a PRM, each a full copy.
 * LoRA: one frozen base (model.policy, which is also the reference pi_ref) held once, with a policy adapter and
 * a PRM adapter over it; each trainer installs its own adapter before a pass. Fresh adapters start with B = 0,
 * so both start as the base, as PRIME initialises policy and PRM from the SFT model. A base whose checkpoint is
 * 16-bit is held in those 16 bits ({@link CausalLM#loadAsStored}) and trained over with activation checkpointing.
 */
final class TrainedModels implements AutoCloseable {

    /** Seed streams of the adapters' A matrices, apart from the run's other draws. */
    private static final int POLICY_ADAPTER = 0x4c6f5241;
    private static final int PRM_ADAPTER = 0x50524d41;

    private final CausalLM policy;
    private final CausalLM prm;
    private final LoraAdapter policyAdapter;
    private final LoraAdapter prmAdapter;

    private TrainedModels(CausalLM policy, CausalLM prm, LoraAdapter policyAdapter, LoraAdapter prmAdapter) {
        this.policy = policy;
        this.prm = prm;
        this.policyAdapter = policyAdapter;
        this.prmAdapter = prmAdapter;
    }

    static TrainedModels load(TrainConfig cfg) throws IOException {
        if (!cfg.lora()) {
            CausalLM policy = CausalLM.load(cfg.model().policy());
            try {
                return new TrainedModels(policy, CausalLM.load(cfg.model().prm()), null, null);
            } catch (IOException | RuntimeException e) {
                policy.close();
                throw e;
            }
        }
        Path basePath = cfg.model().policy();
        CausalLM base = CausalLM.loadAsStored(basePath);
        LoraAdapter policyAdapter = null;
        try {
            long seed = cfg.run().seed();
            policyAdapter = LoraAdapter.create(base, cfg.policy().lora().toConfig(basePath.toString()),
                    Seeds.derive(seed, POLICY_ADAPTER));
            LoraAdapter prmAdapter = LoraAdapter.create(base, cfg.prm().lora().toConfig(basePath.toString()),
                    Seeds.derive(seed, PRM_ADAPTER));
            return new TrainedModels(base, base, policyAdapter, prmAdapter);
        } catch (RuntimeException e) {
            if (policyAdapter != null) {
                policyAdapter.close();
            }
            base.close();
            throw e;
        }
    }

    /** What is trained over what, for the run's log. */
    String describe(PolicyTrainer policyTrainer, PrmTrainer prmTrainer) {
        if (policyAdapter == null) {
            return "training the whole policy and PRM in FP32";
        }
        var half = policy.frozenWeights();
        String base = half == null ? "FP32" : String.format(java.util.Locale.ROOT, "%s (%.1f MiB, widened a layer"
                + " at a time)", half.dtype(), half.bytes() / 1048576.0);
        return String.format(java.util.Locale.ROOT, "training LoRA adapters (policy r %d, PRM r %d) over one base "
                + "held in %s; activation checkpointing policy %s, PRM %s", policyAdapter.config().r(),
                prmAdapter.config().r(), base, onOff(policyTrainer.recomputesLayers()),
                onOff(prmTrainer.recomputesLayers()));
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }

    PolicyTrainer policyTrainer(PolicySettings settings) {
        return new PolicyTrainer(policy, policyAdapter, settings);
    }

    PrmTrainer prmTrainer(PrmSettings settings) {
        return new PrmTrainer(prm, prmAdapter, settings);
    }

    @Override
    public void close() {
        if (policyAdapter != null) {
            policy.setAdapter(null);
            policyAdapter.close();
            prmAdapter.close();
        }
        policy.close();
        if (prm != policy) {
            prm.close();
        }
    }
}
