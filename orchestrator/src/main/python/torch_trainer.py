"""PRIME's two trainer updates in PyTorch eager on torch_reference's model (the model module's independent
implementation): the implicit PRM step (DESIGN.md step 6) and the PPO update (step 9). The independent side of
the Java trainers' oracle fixtures (src/test/python/gen_trainer_fixtures.py) and of `prime4j bench trainer`.

Samples are dicts with "prompt", "response" (token id lists), "ref" (reference log-probs of the response
tokens) and "outcome". Unlike the Java trainers, every gradient here is taken over the whole (mini-)batch in
one padded forward pass: no micro-batches, so agreement also checks Java's gradient accumulation.
"""
import torch
import torch.nn.functional as F

import torch_reference as ref


def left_pad(seqs, pad_id=0):
    t = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), t), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), t), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, t - len(s):] = torch.tensor(s)
        mask[i, t - len(s):] = 1
    return ids, mask


def response_logprobs(cfg, w, samples):
    """Per-sample response-token log-probs and entropies, from ONE left-padded batch of all samples."""
    ids, mask = left_pad([s["prompt"] + s["response"] for s in samples])
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


def pairwise_accuracy(logits, samples, group):
    right = pairs = 0
    for g0 in range(0, len(samples), group):
        for i in range(g0, g0 + group):
            for j in range(g0, g0 + group):
                if samples[i]["outcome"] > samples[j]["outcome"]:
                    pairs += 1
                    right += logits[i] > logits[j]
    return (right / pairs if pairs else float("nan")), pairs


def prm_step(cfg, params, opt, samples, beta, max_norm, group):
    """Mode `after`: q and the loss from the forward pass that also produces the gradient, then clip + step."""
    lps, _ = response_logprobs(cfg, params, samples)
    q = [lp - torch.tensor(s["ref"]) for lp, s in zip(lps, samples)]
    z = torch.stack([beta * qi.sum() for qi in q])
    loss = F.binary_cross_entropy_with_logits(z, torch.tensor([s["outcome"] for s in samples]))
    opt.zero_grad()
    loss.backward()
    norm = float(torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm))
    opt.step()
    acc, pairs = pairwise_accuracy(z.tolist(), samples, group)
    return {"loss": float(loss), "grad_norm": norm, "q": [x.detach() for x in q], "logits": z.tolist(),
            "pairwise_accuracy": acc, "pairs": pairs}


def ppo_update(cfg, params, opt, samples, advantages, old_logprobs, server_logprobs, clip_eps, mini_batch,
               max_norm, kl_coef, entropy_coef):
    """One epoch of PPO-clip over consecutive mini-batches; token-mean loss; metrics as the Java trainer."""
    adv = [torch.tensor(a) for a in advantages]
    with torch.no_grad():
        trainer_old = response_logprobs(cfg, params, samples)[0]
    old = trainer_old if old_logprobs == "trainer" else [torch.tensor(x) for x in server_logprobs]
    step_losses, step_norms = [], []
    clipped = approx = ent_sum = kl_sum = tokens = 0.0
    for start in range(0, len(samples), mini_batch):
        idx = range(start, min(len(samples), start + mini_batch))
        lps, hs = response_logprobs(cfg, params, [samples[i] for i in idx])
        terms = []
        for k, i in enumerate(idx):
            lp, h = lps[k], hs[k]
            ratio = torch.exp(lp - old[i])
            l1 = -adv[i] * ratio
            l2 = -adv[i] * torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps)
            d = torch.tensor(samples[i]["ref"]) - lp
            k3 = torch.exp(d) - d - 1
            terms.append(torch.max(l1, l2) + kl_coef * k3 - entropy_coef * h)
            clipped += float((l2 > l1).float().sum())
            approx += float((old[i] - lp).sum())
            ent_sum += float(h.sum())
            kl_sum += float(k3.sum())
            tokens += len(lp)
        loss = torch.cat(terms).mean()
        opt.zero_grad()
        loss.backward()
        step_norms.append(float(torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm)))
        opt.step()
        step_losses.append(float(loss))
    out = {"step_losses": step_losses, "step_grad_norms": step_norms,
           "loss": sum(step_losses) / len(step_losses), "grad_norm": sum(step_norms) / len(step_norms),
           "clip_fraction": clipped / tokens, "approx_kl": approx / tokens, "entropy": ent_sum / tokens,
           "kl": kl_sum / tokens, "tokens": int(tokens)}
    if server_logprobs is not None:
        diffs = torch.cat([(t - torch.tensor(s)).abs() for t, s in zip(trainer_old, server_logprobs)])
        out["mismatch_mean"] = float(diffs.double().mean())
        out["mismatch_max"] = float(diffs.max())
    return out
