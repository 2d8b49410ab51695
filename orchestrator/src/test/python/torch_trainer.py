"""PRIME's two trainer updates in PyTorch eager on torch_reference's model (the model module's independent
implementation): the implicit PRM step (docs/design.md step 6) and the PPO update (step 9). The independent side of
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


class Layout:
    """A left-padded batch of samples and its (B, T-1) response mask: response token t of a sample with n
    response tokens sits in the last n columns of the teacher-forced log-probs."""

    def __init__(self, samples):
        self.samples = samples
        self.ids, self.mask = left_pad([s["prompt"] + s["response"] for s in samples])
        self.cols = self.ids.shape[1] - 1
        self.response = self.scatter([[1.0] * len(s["response"]) for s in samples])

    def scatter(self, rows):
        out = torch.zeros(len(rows), self.cols)
        for i, r in enumerate(rows):
            out[i, self.cols - len(r):] = torch.as_tensor(r, dtype=torch.float32)
        return out

    def rows(self, x):
        return [x[i, self.cols - len(s["response"]):] for i, s in enumerate(self.samples)]


def token_stats(cfg, w, lay):
    """(B, T-1) log-probs of the actual next tokens and entropies of the next-token distributions."""
    logits = ref.forward(cfg, w, lay.ids, lay.mask)
    logp = F.log_softmax(logits[:, :-1].float(), dim=-1)
    return logp.gather(-1, lay.ids[:, 1:, None]).squeeze(-1), -(logp.exp() * logp).sum(-1)


def response_logprobs(cfg, w, samples):
    """Per-sample response-token log-probs, from ONE left-padded batch of all samples."""
    lay = Layout(samples)
    return lay.rows(token_stats(cfg, w, lay)[0])


def pairwise_accuracy(logits, samples, group):
    right = pairs = 0
    for g0 in range(0, len(samples), group):
        for i in range(g0, g0 + group):
            for j in range(g0, g0 + group):
                if samples[i]["outcome"] > samples[j]["outcome"]:
                    pairs += 1
                    right += logits[i] > logits[j]
    return (right / pairs if pairs else float("nan")), pairs


def prm_step(cfg, params, opt, samples, beta, max_norm, group, inspect=None):
    """Mode `after`: q and the loss from the forward pass that also produces the gradient, then clip + step.
    inspect(step=0, params=..., ratio=None, mask=None), if given, sees the clipped gradients before the step."""
    lay = Layout(samples)
    lp = token_stats(cfg, params, lay)[0]
    q = (lp - lay.scatter([s["ref"] for s in samples])) * lay.response
    z = beta * q.sum(1)
    loss = F.binary_cross_entropy_with_logits(z, torch.tensor([s["outcome"] for s in samples]))
    opt.zero_grad()
    loss.backward()
    norm = float(torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm))
    if inspect is not None:
        inspect(step=0, params=params, ratio=None, mask=None)
    opt.step()
    acc, pairs = pairwise_accuracy(z.tolist(), samples, group)
    return {"loss": float(loss), "grad_norm": norm, "q": [x.detach() for x in lay.rows(q)], "logits": z.tolist(),
            "pairwise_accuracy": acc, "pairs": pairs}


def is_weights(trainer_old, server_logprobs, correction, cap):
    """Importance-sampling correction against the sampler, written from veRL's rollout-correction definitions
    (token-level truncate: w_t = min(pi_old/pi_rollout, C); sequence "geometric" mask: reject a response whose
    exp(mean_t log(pi_old/pi_rollout)) leaves [1/C, C]). Returns per-sample token weights on the PPO term, per-sample
    keep flags (0/1 on every token) and the metrics."""
    rho = [torch.exp(torch.clamp(t.double() - torch.tensor(s, dtype=torch.float32).double(), -20, 20))
           for t, s in zip(trainer_old, server_logprobs)]
    allr = torch.cat(rho)
    w = [torch.clamp(r, max=cap).float() if correction == "token_tis" else torch.ones(len(r)) for r in rho]
    keep = [torch.zeros(len(r)) if correction == "seq_mask" and not (1 / cap <= float(torch.exp(torch.log(r).mean()))
                                                                      <= cap)
            else torch.ones(len(r)) for r in rho]
    stats = {"is_ratio_mean": float(allr.mean()), "is_ratio_max": float(allr.max()),
             "is_masked_fraction": sum(float(k[0] == 0) for k in keep) / len(keep),
             "is_truncated_fraction": float((allr > cap).double().mean()) if correction == "token_tis" else 0.0}
    return w, keep, stats


def ppo_update(cfg, params, opt, samples, advantages, old_logprobs, server_logprobs, clip_eps, mini_batch,
               max_norm, kl_coef, entropy_coef, inspect=None, is_correction="none", is_cap=2.0):
    """One epoch of PPO-clip over consecutive mini-batches; token-mean loss; metrics as the Java trainer.
    inspect(step, params, ratio, mask), if given, sees each mini-batch's ratios and clipped gradients before
    its optimizer step (the fixture generator checks there that nothing sits on a discontinuity).
    is_correction token_tis weights each token's PPO term by min(pi_old/pi_sampler, is_cap) (detached);
    seq_mask drops whole responses from the loss and from its token count (see is_weights)."""
    with torch.no_grad():
        trainer_old = response_logprobs(cfg, params, samples)
    old = trainer_old if old_logprobs == "trainer" else [torch.tensor(x) for x in server_logprobs]
    if is_correction != "none":
        w_is, keep_is, is_stats = is_weights(trainer_old, server_logprobs, is_correction, is_cap)
    else:
        w_is = keep_is = None
    step_losses, step_norms = [], []
    clipped = approx = ent_sum = kl_sum = tokens = 0.0
    for start in range(0, len(samples), mini_batch):
        idx = range(start, min(len(samples), start + mini_batch))
        lay = Layout([samples[i] for i in idx])
        lp, h = token_stats(cfg, params, lay)
        m = lay.response
        adv = lay.scatter([advantages[i] for i in idx])
        ratio = torch.exp(torch.clamp((lp - lay.scatter([old[i] for i in idx])) * m, -20, 20))
        l1 = -adv * ratio
        l2 = -adv * torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps)
        d = torch.clamp((lay.scatter([samples[i]["ref"] for i in idx]) - lp) * m, -20, 20)
        k3 = torch.exp(d) - d - 1
        pg = torch.max(l1, l2)
        counted = m
        if w_is is not None:
            pg = pg * lay.scatter([w_is[i] for i in idx])
            counted = lay.scatter([keep_is[i] for i in idx])
        loss = ((pg + kl_coef * k3 - entropy_coef * h) * counted).sum() / counted.sum().clamp(min=1)
        clipped += float(((l2 > l1).float() * m).sum())
        approx += float(((lay.scatter([old[i] for i in idx]) - lp) * m).sum())
        ent_sum += float((h * m).sum())
        kl_sum += float((k3 * m).sum())
        tokens += float(m.sum())
        opt.zero_grad()
        loss.backward()
        step_norms.append(float(torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm)))
        if inspect is not None:
            inspect(step=len(step_losses), params=params, ratio=ratio.detach(), mask=m)
        opt.step()
        step_losses.append(float(loss))
    out = {"step_losses": step_losses, "step_grad_norms": step_norms,
           "loss": sum(step_losses) / len(step_losses), "grad_norm": sum(step_norms) / len(step_norms),
           "clip_fraction": clipped / tokens, "approx_kl": approx / tokens, "entropy": ent_sum / tokens,
           "kl": kl_sum / tokens, "tokens": int(tokens)}
    if w_is is not None:
        out.update(is_stats)
    if server_logprobs is not None:
        diffs = torch.cat([(t - torch.tensor(s)).abs() for t, s in zip(trainer_old, server_logprobs)])
        out["mismatch_mean"] = float(diffs.double().mean())
        out["mismatch_max"] = float(diffs.max())
    return out
