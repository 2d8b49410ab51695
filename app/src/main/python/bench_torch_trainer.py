"""The PyTorch-eager side of `prime4j bench trainer`: the implicit PRM step and the PPO update of
torch_trainer.py on torch_reference's model, on the very samples the Java side uses. Reads a JSON spec file
(first argument), prints one JSON result line. Run with the torch-carrying interpreter (/usr/bin/python3 here).
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import torch
except ImportError as e:  # the Java side reports this clearly and still prints its own figures
    print(json.dumps({"error": "torch is not importable: %s" % e}))
    sys.exit(0)

import torch_reference as ref  # noqa: E402
import torch_trainer as tt  # noqa: E402


def timed(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    torch.set_num_threads(spec["threads"])
    cfg = spec["config"]
    s = spec["settings"]
    samples, adv = spec["samples"], spec["advantages"]

    def params(seed):
        return {k: torch.nn.Parameter(v) for k, v in ref.random_weights(cfg, seed, std=0.02).items()}

    prm = params(1)
    prm_opt = torch.optim.AdamW(list(prm.values()), lr=s["prm_lr"], weight_decay=s["weight_decay"])
    policy = params(2)
    policy_opt = torch.optim.AdamW(list(policy.values()), lr=s["policy_lr"], weight_decay=s["weight_decay"])
    prm_s = timed(lambda: tt.prm_step(cfg, prm, prm_opt, samples, s["beta"], s["max_grad_norm"], s["group"]),
                  spec["warmup"], spec["reps"])
    ppo_s = timed(lambda: tt.ppo_update(cfg, policy, policy_opt, samples, adv, "trainer", None, s["clip_eps"],
                                        s["mini_batch"], s["max_grad_norm"], 0.0, 0.0),
                  spec["warmup"], spec["reps"])
    print(json.dumps({"torch_version": torch.__version__, "threads": torch.get_num_threads(),
                      "prm_s": prm_s, "ppo_s": ppo_s}))


if __name__ == "__main__":
    main()
