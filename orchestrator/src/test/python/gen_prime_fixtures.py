#!/usr/bin/env python3
"""Golden fixtures for PRIME's reward and advantage math (orchestrator/.../prime).

An independent implementation in PyTorch on padded (B, T) tensors with a response mask, in the style of
the PRIME/verl code (masked ops, reversed cumulative sums), NOT a translation of the Java loops.

Run with Debian's torch:  /usr/bin/python3 orchestrator/src/test/python/gen_prime_fixtures.py
Writes orchestrator/src/test/resources/fixtures/prime_advantages.json
"""
import json
import os

import torch

torch.manual_seed(20250211)
torch.set_default_dtype(torch.float64)


def masked_mean(x, mask, dim=None):
    return (x * mask).sum(dim) / mask.sum(dim)


def masked_whiten(x, mask):
    mean = masked_mean(x, mask)
    centered = x - mean
    var = masked_mean(centered ** 2, mask)
    n = mask.sum()
    var = var * n / (n - 1)  # unbiased, as verl's masked_var
    return (x - mean) * torch.rsqrt(var + 1e-8) * mask


def reverse_cumsum(x, gamma):
    out = torch.zeros_like(x)
    acc = torch.zeros(x.shape[0])
    for t in reversed(range(x.shape[1])):
        acc = x[:, t] + gamma * acc
        out[:, t] = acc
    return out


def case(name, groups, k, max_len, beta, cp, co, gamma, norm, fractional):
    b = groups * k
    lengths = torch.randint(1, max_len + 1, (b,))
    t_max = int(lengths.max())
    mask = (torch.arange(t_max)[None, :] < lengths[:, None]).double()
    prm = (-torch.rand(b, t_max) * 4) * mask
    ref = (-torch.rand(b, t_max) * 4) * mask
    if fractional:
        outcomes = torch.randint(0, 11, (b,)).double() / 10
    else:
        outcomes = torch.randint(0, 2, (b,)).double()

    q = (prm - ref) * mask
    r = beta * q
    if norm == "batch_norm":
        to_go = torch.flip(torch.cumsum(torch.flip(r, [1]), 1), [1]) * mask
        r_n = r / (to_go.abs().max() + 1e-6)
    else:
        r_n = r

    # RLOO per source, on (groups, k, T) views
    rg = r_n.view(groups, k, t_max)
    mg = mask.view(groups, k, t_max)
    means = (rg * mg).sum(-1) / mg.sum(-1)  # (groups, k)
    baseline = means.sum(-1, keepdim=True).unsqueeze(-1) / (k - 1)
    process = ((rg * k / (k - 1) - baseline) * mg).view(b, t_max)

    og = outcomes.view(groups, k)
    o_loo = og * k / (k - 1) - og.sum(-1, keepdim=True) / (k - 1)
    last = torch.nn.functional.one_hot(lengths - 1, t_max).double()
    outcome = o_loo.view(b, 1) * last

    total = cp * process + co * outcome
    adv_prime = masked_whiten(reverse_cumsum(total, gamma) * mask, mask)

    outcome_only = masked_whiten(reverse_cumsum(co * outcome, gamma) * mask, mask)

    # process_reward: response -- each response's summed (normalized) process reward, leave-one-out within its
    # group like the outcome, on its last token (draws no random numbers: earlier values are unchanged)
    sg = (r_n * mask).sum(-1).view(groups, k)
    s_loo = sg * k / (k - 1) - sg.sum(-1, keepdim=True) / (k - 1)
    process_response = s_loo.view(b, 1) * last
    adv_response = masked_whiten(reverse_cumsum(cp * process_response + co * outcome, gamma) * mask, mask)

    grp_mean = og.mean(-1, keepdim=True)
    grp_std = og.std(-1, keepdim=True)  # unbiased
    grpo = ((og - grp_mean) / (grp_std + 1e-6)).view(b, 1) * mask
    reinforce = (og - grp_mean).view(b, 1) * mask

    logits = beta * q.sum(-1)
    prm_loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, outcomes, reduction="none")

    keep = ((og.mean(-1) >= 0.2 - 1e-12) & (og.mean(-1) <= 0.8 + 1e-12)).tolist()

    def ragged(x):
        return [x[i, : int(lengths[i])].tolist() for i in range(b)]

    return {
        "name": name, "k": k, "beta": beta, "process_coef": cp, "outcome_coef": co, "gamma": gamma,
        "reward_norm": norm,
        "prm_logprobs": ragged(prm), "ref_logprobs": ragged(ref), "outcomes": outcomes.tolist(),
        "expected": {
            "q": ragged(q), "rewards": ragged(r), "normalized_rewards": ragged(r_n),
            "rloo_process": ragged(process), "rloo_outcome": ragged(outcome),
            "advantages_prime": ragged(adv_prime), "advantages_outcome_only": ragged(outcome_only),
            "advantages_prime_response": ragged(adv_response),
            "advantages_grpo": ragged(grpo), "advantages_reinforce": ragged(reinforce),
            "prm_logits": logits.tolist(), "prm_bce": prm_loss.tolist(), "filter_keep": keep,
        },
    }


def main():
    cases = [
        case("paper_defaults", groups=6, k=4, max_len=17, beta=0.05, cp=5.0, co=5.0, gamma=1.0,
             norm="batch_norm", fractional=False),
        case("no_norm_discounted", groups=5, k=3, max_len=9, beta=0.5, cp=2.0, co=1.0, gamma=0.9,
             norm="none", fractional=True),
        case("pairs_one_token", groups=8, k=2, max_len=1, beta=1.0, cp=1.0, co=3.0, gamma=1.0,
             norm="batch_norm", fractional=True),
    ]
    out = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "prime_advantages.json")
    with open(out, "w") as f:
        json.dump({"generator": "orchestrator/src/test/python/gen_prime_fixtures.py",
                   "torch": torch.__version__, "cases": cases}, f)
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
