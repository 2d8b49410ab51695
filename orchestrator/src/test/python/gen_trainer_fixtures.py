"""Oracle fixtures for the Java trainers: run with Debian's /usr/bin/python3 (torch 1.13, CPU).

    /usr/bin/python3 orchestrator/src/test/python/gen_trainer_fixtures.py

Reuses the model module's independent PyTorch model (model/src/main/python/torch_reference.py, through the
model fixture generator, imported by path) on a tiny Qwen2 config and writes
orchestrator/src/test/resources/fixtures/trainer/ with config.json, model.safetensors and expected.json:

- one implicit-PRM step (DESIGN.md step 6): q = log pi_phi - log pi_ref on response tokens, the mean BCE of
  sigmoid(beta * sum q) against the outcomes, its gradient over the WHOLE batch at once (Java accumulates
  micro-batches), clip_grad_norm_, torch.optim.AdamW; q before (mode after) and after (mode before) the update;
- two PPO updates (DESIGN.md step 9), 2 mini-batches each, each mini-batch padded as one batch (Java uses 2
  micro-batches): case "trainer" recomputes the old log-probs (the second mini-batch then clips), case "server"
  takes noisy sampler log-probs as old ones (clips from the start) with a k3 KL term and an entropy bonus.
Each records losses, metrics and full tensors of the updated weights.
"""
import importlib.util
import json
import math
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
spec = importlib.util.spec_from_file_location(
    "gen_model_fixtures", os.path.join(ROOT, "model", "src", "test", "python", "gen_model_fixtures.py"))
gm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gm)
ref = gm.ref

OUT = os.path.join(HERE, "..", "resources", "fixtures", "trainer")
WATCH = ["model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.down_proj.weight",
         "model.norm.weight", "model.embed_tokens.weight", "model.layers.0.self_attn.k_proj.bias"]
GROUP = 4


def response_logprobs(cfg, w, samples):
    """Per-sample response-token log-probs and entropies, from ONE left-padded batch of all samples."""
    seqs = [s["prompt"] + s["response"] for s in samples]
    ids, mask = gm.left_pad(seqs, pad_id=0)
    logits = ref.forward(cfg, w, ids, mask)
    logp = F.log_softmax(logits[:, :-1].float(), dim=-1)
    lps = logp.gather(-1, ids[:, 1:, None]).squeeze(-1)
    ent = -(logp.exp() * logp).sum(-1)
    t = ids.shape[1]
    out_lp, out_h = [], []
    for i, s in enumerate(samples):
        n = len(s["response"])
        # the log-prob of sequence token j sits in column j - 1; the response is the last n tokens
        out_lp.append(lps[i, t - 1 - n:])
        out_h.append(ent[i, t - 1 - n:])
    return out_lp, out_h


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
        lps, _ = response_logprobs(cfg, w_ref, samples)
    for s, lp in zip(samples, lps):
        s["ref"] = gm.rounded(lp)
    return samples


def params_of(w):
    return {k: torch.nn.Parameter(v.clone()) for k, v in w.items()}


def prm_step(cfg, w, samples, lr, beta, wd, max_norm):
    p = params_of(w)
    lps, _ = response_logprobs(cfg, p, samples)
    q = [lp - torch.tensor(s["ref"]) for lp, s in zip(lps, samples)]
    z = torch.stack([beta * qi.sum() for qi in q])
    o = torch.tensor([s["outcome"] for s in samples])
    loss = F.binary_cross_entropy_with_logits(z, o)
    loss.backward()
    norm = float(torch.nn.utils.clip_grad_norm_(list(p.values()), max_norm))
    torch.optim.AdamW(list(p.values()), lr=lr, weight_decay=wd).step()
    with torch.no_grad():
        post = response_logprobs(cfg, p, samples)[0]
        q_post = [lp - torch.tensor(s["ref"]) for lp, s in zip(post, samples)]
    zs = z.tolist()
    right = pairs = 0
    for g0 in range(0, len(samples), GROUP):
        for i in range(g0, g0 + GROUP):
            for j in range(g0, g0 + GROUP):
                if samples[i]["outcome"] > samples[j]["outcome"]:
                    pairs += 1
                    right += zs[i] > zs[j]
    return {"lr": lr, "beta": beta, "weight_decay": wd, "max_grad_norm": max_norm, "micro_batch_size": 3,
            "loss": float(loss), "grad_norm": norm, "q_pre": [gm.rounded(x.detach()) for x in q],
            "q_post": [gm.rounded(x) for x in q_post], "logits_pre": zs, "pairs": pairs,
            "pairwise_accuracy": right / pairs,
            "after": {k: gm.rounded(p[k].detach().flatten()) for k in WATCH}}


def ppo_update(cfg, w, samples, case):
    p = params_of(w)
    opt = torch.optim.AdamW(list(p.values()), lr=case["lr"], weight_decay=case["weight_decay"])
    adv = [torch.tensor(a) for a in case["advantages"]]
    with torch.no_grad():
        trainer_old = response_logprobs(cfg, p, samples)[0]
    server = case.get("server_logprobs")
    old = trainer_old if case["old_logprobs"] == "trainer" else [torch.tensor(x) for x in server]
    eps, kl_coef, ent_coef = case["clip_eps"], case["kl_coef"], case["entropy_coef"]
    step_losses, step_norms = [], []
    clipped = approx = ent_sum = kl_sum = tokens = 0.0
    mb = case["mini_batch_size"]
    for start in range(0, len(samples), mb):
        idx = range(start, min(len(samples), start + mb))
        lps, hs = response_logprobs(cfg, p, [samples[i] for i in idx])
        terms = []
        for k, i in enumerate(idx):
            lp, h = lps[k], hs[k]
            ratio = torch.exp(lp - old[i])
            l1 = -adv[i] * ratio
            l2 = -adv[i] * torch.clamp(ratio, 1 - eps, 1 + eps)
            d = torch.tensor(samples[i]["ref"]) - lp
            k3 = torch.exp(d) - d - 1
            terms.append(torch.max(l1, l2) + kl_coef * k3 - ent_coef * h)
            clipped += float((l2 > l1).float().sum())
            approx += float((old[i] - lp).sum())
            ent_sum += float(h.sum())
            kl_sum += float(k3.sum())
            tokens += len(lp)
        loss = torch.cat(terms).mean()
        opt.zero_grad()
        loss.backward()
        step_norms.append(float(torch.nn.utils.clip_grad_norm_(list(p.values()), case["max_grad_norm"])))
        opt.step()
        step_losses.append(float(loss))
    expected = {"step_losses": step_losses, "step_grad_norms": step_norms,
                "loss": sum(step_losses) / len(step_losses), "grad_norm": sum(step_norms) / len(step_norms),
                "clip_fraction": clipped / tokens, "approx_kl": approx / tokens, "entropy": ent_sum / tokens,
                "kl": kl_sum / tokens, "tokens": int(tokens),
                "after": {k: gm.rounded(p[k].detach().flatten()) for k in WATCH}}
    if server is not None:
        diffs = torch.cat([(t - torch.tensor(s)).abs() for t, s in zip(trainer_old, server)])
        expected["mismatch_mean"] = float(diffs.double().mean())
        expected["mismatch_max"] = float(diffs.max())
    assert expected["clip_fraction"] > 0, case["name"]
    return expected


def main():
    torch.set_num_threads(1)
    cfg = gm.config("Qwen2ForCausalLM", attention_bias=True)
    w = ref.random_weights(cfg, 31, std=0.2)
    w_ref = ref.random_weights(cfg, 32, std=0.2)
    samples = make_samples(cfg, w_ref)
    prm = prm_step(cfg, w, samples, lr=0.01, beta=0.5, wd=0.01, max_norm=0.5)
    assert prm["grad_norm"] > 0.5, "the PRM fixture should exercise the clip"

    g = torch.Generator().manual_seed(41)
    with torch.no_grad():
        base = response_logprobs(cfg, w, samples)[0]
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
        case["expected"] = ppo_update(cfg, w, samples, case)
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
