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

The Java oracle test's tolerances come from the spread of these numbers across machines' arithmetic. Measure it:

    /usr/bin/python3 orchestrator/src/test/python/gen_trainer_fixtures.py --spread

regenerates the fixture into temporary directories under other settings (2 threads instead of 1; OpenBLAS
pinned to its SSE3 kernels, ATen's vector kernels and oneDNN's ISA pinned to the baseline, as an older CPU
would run them; MKL_CBWR/MKL_ENABLE_INSTRUCTIONS set too, for a torch built on MKL) and prints the largest
difference of each quantity from the default run. Generation also asserts the fixture keeps clear of the
discontinuities that would turn rounding into a different answer: every PPO ratio far from the clip
boundaries 1 +- eps, every pairwise comparison of PRM logits decided by a wide margin, and every watched
weight's first-step gradient far from 0 (Adam's first step moves a weight by about lr * sign(g)).
"""
import argparse
import importlib.util
import json
import os
import struct
import subprocess
import sys
import tempfile

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
IS_SEED = int(os.environ.get("IS_SEED", "52"))  # the correction cases' generator; 50, 51 put a first-step |g| near 0
# Margins the generator asserts (see the module docstring); the measured values are printed.
MIN_RATIO_MARGIN = 0.01  # |ratio - (1 +- eps)| of every response token, every mini-batch
MIN_LOGIT_GAP = 0.01      # |z_i - z_j| of every pair the PRM's pairwise accuracy compares
MIN_FIRST_GRAD = 1e-7     # |g| of every (PRM: watched) parameter entry at the first optimizer step


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


class Margins:
    """Called by torch_trainer before each optimizer step: records how far the fixture is from the clip
    boundaries (ratios) and from Adam's sign flip (smallest first-step gradient entry of a watched weight)."""

    def __init__(self, clip_eps=None, names=None):
        self.clip_eps = clip_eps
        self.names = names  # None: every parameter
        self.ratio = float("inf")
        self.first_grad = float("inf")

    def __call__(self, step, params, ratio, mask):
        if step == 0:
            for k in self.names or params:
                self.first_grad = min(self.first_grad, float(params[k].grad.abs().min()))
        if ratio is not None:
            r = ratio[mask > 0]
            d = torch.minimum((r - (1 - self.clip_eps)).abs(), (r - (1 + self.clip_eps)).abs())
            self.ratio = min(self.ratio, float(d.min()))


def logit_gap(z, samples):
    """The smallest |z_i - z_j| over the pairs (same group, different outcomes) pairwise accuracy compares."""
    gap = float("inf")
    for g0 in range(0, len(samples), GROUP):
        for i in range(g0, g0 + GROUP):
            for j in range(g0, g0 + GROUP):
                if samples[i]["outcome"] > samples[j]["outcome"]:
                    gap = min(gap, abs(z[i] - z[j]))
    return gap


def prm_fixture(cfg, w, samples, lr, beta, wd, max_norm):
    p = params_of(w)
    # one step: only the watched weights' own first steps matter (q_post moves by second-order amounts)
    margins = Margins(names=WATCH)
    r = tt.prm_step(cfg, p, adamw(p, lr, wd), samples, beta, max_norm, GROUP, inspect=margins)
    gap = logit_gap(r["logits"], samples)
    print("prm margins: first-step |g| >=", margins.first_grad, "logit gap", gap)
    assert margins.first_grad > MIN_FIRST_GRAD, "a watched PRM gradient entry is near 0: Adam's sign may flip"
    assert gap > MIN_LOGIT_GAP, "two PRM logits of a compared pair are too close: accuracy may flip"
    with torch.no_grad():
        post = tt.response_logprobs(cfg, p, samples)
    return {"lr": lr, "beta": beta, "weight_decay": wd, "max_grad_norm": max_norm, "micro_batch_size": 3,
            "loss": r["loss"], "grad_norm": r["grad_norm"], "q_pre": [gm.rounded(x) for x in r["q"]],
            "q_post": [gm.rounded(lp - torch.tensor(s["ref"])) for lp, s in zip(post, samples)],
            "logits_pre": r["logits"], "pairs": r["pairs"], "pairwise_accuracy": r["pairwise_accuracy"],
            "after": {k: gm.rounded(p[k].detach().flatten()) for k in WATCH}}


def ppo_fixture(cfg, w, samples, case):
    p = params_of(w)
    # every parameter: one flipped at the first step changes the second step's loss and gradient
    margins = Margins(case["clip_eps"])
    out = tt.ppo_update(cfg, p, adamw(p, case["lr"], case["weight_decay"]), samples, case["advantages"],
                        case["old_logprobs"], case.get("server_logprobs"), case["clip_eps"],
                        case["mini_batch_size"], case["max_grad_norm"], case["kl_coef"], case["entropy_coef"],
                        inspect=margins, is_correction=case.get("is_correction", "none"),
                        is_cap=case.get("is_cap", 2.0))
    out["after"] = {k: gm.rounded(p[k].detach().flatten()) for k in WATCH}
    print(case["name"], "margins: first-step |g| >=", margins.first_grad, "ratio to clip boundary",
          margins.ratio)
    assert out["clip_fraction"] > 0, case["name"]
    assert margins.first_grad > MIN_FIRST_GRAD, case["name"] + ": a watched gradient entry is near 0"
    assert margins.ratio > MIN_RATIO_MARGIN, case["name"] + ": a ratio sits on a clip boundary"
    if case.get("is_correction", "none") != "none":
        check_is(case, cfg, w, samples, out)
    return out


def check_is(case, cfg, w, samples, out):
    """The correction's decisions (truncate a token, drop a response) must be far from their boundary ln C."""
    with torch.no_grad():
        old = tt.response_logprobs(cfg, w, samples)
    log_cap = torch.log(torch.tensor(case["is_cap"], dtype=torch.float64))
    logs = [o.double() - torch.tensor(s, dtype=torch.float64) for o, s in zip(old, case["server_logprobs"])]
    if case["is_correction"] == "token_tis":
        margin = float(min((l - log_cap).abs().min() for l in logs))
        assert out["is_truncated_fraction"] > 0, "no token is truncated"
    else:
        margin = float(min(((l.mean()).abs() - log_cap).abs() for l in logs))
        assert 0 < out["is_masked_fraction"] < 1, "seq_mask should drop some responses, not all"
    print(case["name"], "margin of log rho to ln C:", margin, {k: v for k, v in out.items() if k.startswith("is_")})
    assert margin > MIN_RATIO_MARGIN, case["name"] + ": a ratio sits on the correction's boundary"


def server_offsets(n, g):
    small = torch.rand(n, generator=g) < 0.5
    size = torch.where(small, 0.08 * torch.rand(n, generator=g), 0.3 + 0.1 * torch.rand(n, generator=g))
    return size * torch.where(torch.rand(n, generator=g) < 0.5, -1.0, 1.0)


def read_safetensors(path):
    """The F32 tensors written by gm.write_safetensors."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    return {k: torch.frombuffer(bytearray(data[v["data_offsets"][0]:v["data_offsets"][1]]),
                                dtype=torch.float32).reshape(v["shape"])
            for k, v in header.items() if k != "__metadata__"}


def main(out, threads, inputs=None):
    """Writes the fixture to out. With inputs (a fixture directory), takes the weights, samples, reference
    log-probs, advantages and server log-probs from there and recomputes only the expected results: --spread
    compares runs on the very same inputs."""
    torch.set_num_threads(threads)
    cfg = gm.config("Qwen2ForCausalLM", attention_bias=True)
    if inputs is not None:
        w = read_safetensors(os.path.join(inputs, "model.safetensors"))
        with open(os.path.join(inputs, "expected.json")) as f:
            given = json.load(f)
        samples = given["samples"]
    else:
        w = ref.random_weights(cfg, 31, std=0.2)
        w_ref = ref.random_weights(cfg, 32, std=0.2)
        samples = make_samples(cfg, w_ref)
    prm = prm_fixture(cfg, w, samples, lr=0.01, beta=0.5, wd=0.01, max_norm=0.5)
    assert prm["grad_norm"] > 0.5, "the PRM fixture should exercise the clip"

    g = torch.Generator().manual_seed(40)  # 41 put a first-step gradient entry within 2e-8 of 0
    with torch.no_grad():
        base = tt.response_logprobs(cfg, w, samples)
    cases = []
    for which, (name, old) in enumerate([("trainer", "trainer"), ("server", "server"), ("token_tis", "trainer"),
                                         ("seq_mask", "trainer")]):
        if name == "token_tis":
            # the correction cases draw from their own generator, so the first two cases keep their numbers
            g = torch.Generator().manual_seed(IS_SEED)
        adv = [gm.rounded(torch.randn(len(s["response"]), generator=g)) for s in samples]
        case = {"name": name, "lr": 0.02, "clip_eps": 0.2, "mini_batch_size": 4, "micro_batch_size": 2,
                "max_grad_norm": 1.0, "old_logprobs": old, "weight_decay": 0.01, "advantages": adv,
                "kl_coef": 0.0 if name == "trainer" else 0.1, "entropy_coef": 0.0 if name == "trainer" else 0.01}
        if name == "server":
            # a sampler that disagrees with the trainer by up to 0.4 nats: ratios leave the clip range at once.
            # Each offset is small (|d| < 0.08) or large (0.3 < |d| < 0.4), keeping the ratios exp(-d) clear of
            # the clip boundaries ln(1 +- 0.2) = +0.18 / -0.22 (the generator asserts the margin it got).
            case["server_logprobs"] = [gm.rounded(b + server_offsets(len(b), g)) for b in base]
        if name == "token_tis":
            # the same two-sized offsets against a cap of 1.2: |log rho| < 0.08 stays below ln 1.2 = 0.18, the
            # sampler-lower-by-0.3-0.4 tokens are truncated (the margins are asserted in check_is)
            case.update(is_correction="token_tis", is_cap=1.2)
            case["server_logprobs"] = [gm.rounded(b + server_offsets(len(b), g)) for b in base]
        if name == "seq_mask":
            # per-response bias: responses 1 and 6 move their geometric-mean ratio out of [1/1.2, 1.2] (one per
            # mini-batch, so each mini-batch keeps 3 responses), the others stay within +-0.05 nats
            bias = [0.0, 0.35, 0.0, 0.0, 0.0, 0.0, -0.4, 0.0]
            case.update(is_correction="seq_mask", is_cap=1.2)
            case["server_logprobs"] = [gm.rounded(b + bias[i] + 0.1 * (torch.rand(len(b), generator=g) - 0.5))
                                       for i, b in enumerate(base)]
        if inputs is not None:
            case = {k: v for k, v in given["ppo"][which].items() if k != "expected"}
        case["expected"] = ppo_fixture(cfg, w, samples, case)
        cases.append(case)

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
    gm.write_safetensors(os.path.join(out, "model.safetensors"), w, "F32")
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"group_size": GROUP, "samples": samples, "prm": prm, "ppo": cases}, f)
    print("prm loss", prm["loss"], "norm", prm["grad_norm"], "acc", prm["pairwise_accuracy"])
    for c in cases:
        e = c["expected"]
        print(c["name"], "losses", e["step_losses"], "norms", e["step_grad_norms"], "clip", e["clip_fraction"],
              "kl", e["approx_kl"], "mismatch", e.get("mismatch_max"))


# Settings that imitate other machines' arithmetic; the first one writes the committed fixture.
VARIANTS = {
    "1 thread": {"threads": 1, "env": {}},
    "2 threads": {"threads": 2, "env": {}},
    "baseline ISA": {"threads": 1, "env": {"OPENBLAS_CORETYPE": "Prescott", "ATEN_CPU_CAPABILITY": "default",
                                           "DNNL_MAX_CPU_ISA": "SSE41", "MKL_CBWR": "COMPATIBLE",
                                           "MKL_ENABLE_INSTRUCTIONS": "SSE4_2"}},
    "baseline ISA, 2 threads": {"threads": 2, "env": {"OPENBLAS_CORETYPE": "Prescott",
                                                      "ATEN_CPU_CAPABILITY": "default",
                                                      "DNNL_MAX_CPU_ISA": "SSE41", "MKL_CBWR": "COMPATIBLE",
                                                      "MKL_ENABLE_INSTRUCTIONS": "SSE4_2"}},
}


def leaves(x, path=""):
    """(quantity, number) pairs of a fixture: the quantity is the key path without list indices, except the
    PPO case index (e.g. ppo[1].step_losses, prm.after.model.norm.weight)."""
    if isinstance(x, dict):
        for k, v in x.items():
            yield from leaves(v, path + "." + k if path else k)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from leaves(v, path + "[%d]" % i if path == "ppo" else path)
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        yield path, float(x)


def spread():
    """Regenerates the fixture under each VARIANT and prints each quantity's largest deviation from the first."""
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        first = None
        for name, v in VARIANTS.items():
            out = os.path.join(tmp, name.replace(" ", "_").replace(",", ""))
            env = dict(os.environ, OMP_NUM_THREADS=str(v["threads"]), OPENBLAS_NUM_THREADS=str(v["threads"]),
                       **v["env"])
            subprocess.run([sys.executable, os.path.abspath(__file__), "--out", out, "--threads",
                            str(v["threads"])] + (["--inputs", first] if first else []),
                           env=env, check=True, stdout=subprocess.DEVNULL)
            first = first or out
            with open(os.path.join(out, "expected.json")) as f:
                runs[name] = list(leaves(json.load(f)))
    base_name = next(iter(VARIANTS))
    base = runs[base_name]
    worst = {}
    for name, run in runs.items():
        assert [q for q, _ in run] == [q for q, _ in base], name
        for (q, a), (_, b) in zip(run, base):
            worst.setdefault(q, {})[name] = max(worst.get(q, {}).get(name, 0.0), abs(a - b))
    print("largest |difference| from '%s', per quantity:" % base_name)
    names = [n for n in VARIANTS if n != base_name]
    print("%-55s %s" % ("quantity", "  ".join("%12s" % n[:12] for n in names)))
    for q, by in worst.items():
        print("%-55s %s" % (q, "  ".join("%12.3g" % by[n] for n in names)))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=OUT, help="fixture directory (default: the committed one)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--inputs", help="take the inputs from this fixture directory (used by --spread)")
    ap.add_argument("--spread", action="store_true", help="measure the spread across VARIANTS, write nothing")
    a = ap.parse_args()
    if a.spread:
        spread()
    else:
        main(a.out, a.threads, a.inputs)
