"""Oracle fixtures for the Java trainers: run with Debian's /usr/bin/python3 (torch 1.13, CPU).

    /usr/bin/python3 orchestrator/src/test/python/gen_trainer_fixtures.py

Reuses the model module's independent PyTorch model (model/src/test/python/torch_reference.py, through the
model fixture generator, imported by path) and PRIME's updates in PyTorch (torch_trainer.py, beside this script)
on a tiny Qwen2 config and writes
orchestrator/src/test/resources/fixtures/trainer/ with config.json, model.safetensors and expected.json:

- one implicit-PRM step (docs/design.md step 6): q = log pi_phi - log pi_ref on response tokens, the mean BCE of
  sigmoid(beta * sum q) against the outcomes, its gradient over the WHOLE batch at once (Java accumulates
  micro-batches), clip_grad_norm_, torch.optim.AdamW; q before (mode after) and after (mode before) the update;
- two PPO updates (docs/design.md step 9), 2 mini-batches each, each mini-batch padded as one batch (Java uses 2
  micro-batches): case "trainer" recomputes the old log-probs (the second mini-batch then clips), case "server"
  takes noisy sampler log-probs as old ones (clips from the start) with a k3 KL term and an entropy bonus.
Each records losses, metrics and full tensors of the updated weights.
"""
import importlib.util
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
spec = importlib.util.spec_from_file_location(
    "gen_model_fixtures", os.path.join(ROOT, "model", "src", "test", "python", "gen_model_fixtures.py"))
gm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gm)
ref = gm.ref
sys.path.insert(0, HERE)  # torch_trainer.py, PRIME's two updates in PyTorch, lives beside this script
import torch_trainer as tt  # noqa: E402

OUT = os.path.join(HERE, "..", "resources", "fixtures", "trainer")
WATCH = ["model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.down_proj.weight",
         "model.norm.weight", "model.embed_tokens.weight", "model.layers.0.self_attn.k_proj.bias"]
GROUP = 4


def make_samples(cfg, w_ref):
    g = torch.Generator().manual_seed(21)
    v = cfg["vocab_size"]
    samples = []
    prompt_lengths = [3, 5]
    for grp, plen in enumerate(prompt_lengths):
        prompt = torch.randint(3, v, (plen,), generator=g).tolist()
        for k, rlen in enumerate([4, 2, 6, 3]):
            samples.append({"prompt": prompt, "response": torch.randint(3, v, (rlen,), generator=g).tolist(),
                            "outcome": float([1, 0, 0, 1][k] if grp == 0 else [0, 1, 1, 1][k])})
    with torch.no_grad():
        lps = tt.response_logprobs(cfg, w_ref, samples)
    for s, lp in zip(samples, lps):
        s["ref"] = gm.rounded(lp)
    return samples


def params_of(w):
    return {k: torch.nn.Parameter(v.clone()) for k, v in w.items()}


def adamw(p, lr, wd):
    return torch.optim.AdamW(list(p.values()), lr=lr, weight_decay=wd)


def prm_fixture(cfg, w, samples, lr, beta, wd, max_norm):
    p = params_of(w)
    r = tt.prm_step(cfg, p, adamw(p, lr, wd), samples, beta, max_norm, GROUP)
    with torch.no_grad():
        post = tt.response_logprobs(cfg, p, samples)
    return {"lr": lr, "beta": beta, "weight_decay": wd, "max_grad_norm": max_norm, "micro_batch_size": 3,
            "loss": r["loss"], "grad_norm": r["grad_norm"], "q_pre": [gm.rounded(x) for x in r["q"]],
            "q_post": [gm.rounded(lp - torch.tensor(s["ref"])) for lp, s in zip(post, samples)],
            "logits_pre": r["logits"], "pairs": r["pairs"], "pairwise_accuracy": r["pairwise_accuracy"],
            "after": {k: gm.rounded(p[k].detach().flatten()) for k in WATCH}}


def ppo_fixture(cfg, w, samples, case):
    p = params_of(w)
    out = tt.ppo_update(cfg, p, adamw(p, case["lr"], case["weight_decay"]), samples, case["advantages"],
                        case["old_logprobs"], case.get("server_logprobs"), case["clip_eps"],
                        case["mini_batch_size"], case["max_grad_norm"], case["kl_coef"], case["entropy_coef"])
    out["after"] = {k: gm.rounded(p[k].detach().flatten()) for k in WATCH}
    assert out["clip_fraction"] > 0, case["name"]
    return out


def main():
    torch.set_num_threads(1)
    cfg = gm.config("Qwen2ForCausalLM", attention_bias=True)
    w = ref.random_weights(cfg, 31, std=0.2)
    w_ref = ref.random_weights(cfg, 32, std=0.2)
    samples = make_samples(cfg, w_ref)
    prm = prm_fixture(cfg, w, samples, lr=0.01, beta=0.5, wd=0.01, max_norm=0.5)
    assert prm["grad_norm"] > 0.5, "the PRM fixture should exercise the clip"

    g = torch.Generator().manual_seed(41)
    with torch.no_grad():
        base = tt.response_logprobs(cfg, w, samples)
    cases = []
    for name, old in [("trainer", "trainer"), ("server", "server")]:
        adv = [gm.rounded(torch.randn(len(s["response"]), generator=g)) for s in samples]
        case = {"name": name, "lr": 0.02, "clip_eps": 0.2, "mini_batch_size": 4, "micro_batch_size": 2,
                "max_grad_norm": 1.0, "old_logprobs": old, "weight_decay": 0.01, "advantages": adv,
                "kl_coef": 0.0 if name == "trainer" else 0.1, "entropy_coef": 0.0 if name == "trainer" else 0.01}
        if name == "server":
            # a sampler that disagrees with the trainer by up to 0.4 nats: ratios leave the clip range at once
            case["server_logprobs"] = [gm.rounded(b + 0.8 * (torch.rand(len(b), generator=g) - 0.5))
                                       for b in base]
        case["expected"] = ppo_fixture(cfg, w, samples, case)
        cases.append(case)

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
    gm.write_safetensors(os.path.join(OUT, "model.safetensors"), w, "F32")
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"group_size": GROUP, "samples": samples, "prm": prm, "ppo": cases}, f)
    print("prm loss", prm["loss"], "norm", prm["grad_norm"], "acc", prm["pairwise_accuracy"])
    for c in cases:
        e = c["expected"]
        print(c["name"], "losses", e["step_losses"], "norms", e["step_grad_norms"], "clip", e["clip_fraction"],
              "kl", e["approx_kl"], "mismatch", e.get("mismatch_max"))


if __name__ == "__main__":
    main()
