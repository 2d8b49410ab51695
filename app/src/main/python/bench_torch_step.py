"""The PyTorch-eager side of `prime4j bench model`: the same training step (forward, -mean log-prob loss,
backward, clip_grad_norm_ 1.0, AdamW) and the same greedy KV-cache generation as the DJL model, on the same
architecture (torch_reference.py), plus a 1024^3 matmul for the machine's peak. Reads one JSON spec as the
first argument, prints one JSON result line. Run with the torch-carrying interpreter (/usr/bin/python3 here).
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


def timed(fn, warmup, reps, cpu=None):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(reps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
        if cpu is not None:
            cpu.append(time.process_time() - c0)
    return out


def main():
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(spec["seed"])
    cfg = spec["config"]
    result = {"torch_version": torch.__version__, "threads": torch.get_num_threads()}

    n = spec["matmul"]
    a, b = torch.randn(n, n), torch.randn(n, n)
    mm = timed(lambda: torch.matmul(a, b), 2, spec["matmul_reps"])
    result["matmul_gflops"] = 2 * n ** 3 / min(mm) / 1e9

    w = {k: torch.nn.Parameter(v) for k, v in ref.random_weights(cfg, spec["seed"]).items()}
    params = list(w.values())
    tr = spec["train"]
    ids = torch.randint(0, cfg["vocab_size"], (tr["batch"], tr["seq"]))
    mask = torch.ones_like(ids)
    opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)

    def step():
        loss = -ref.token_logprobs(ref.forward(cfg, w, ids, mask), ids).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad()

    cpu = []
    times = timed(step, tr["warmup"], tr["steps"], cpu)
    result["train_step_s"] = times
    result["train_cpu_s"] = cpu
    result["train_tokens_per_cpu_s"] = tr["batch"] * tr["seq"] / min(cpu)
    result["train_tokens_per_s"] = tr["batch"] * tr["seq"] / min(times)  # best of: load only adds time

    gen = spec["gen"]
    g = torch.Generator().manual_seed(spec["seed"] + 1)
    prompts = [torch.randint(0, cfg["vocab_size"], (gen["prompt"],), generator=g).tolist()
               for _ in range(gen["batch"])]
    gen_cpu = []
    with torch.no_grad():
        gt = timed(lambda: ref.greedy_generate(cfg, w, prompts, gen["new"]), gen["warmup"], gen["reps"], gen_cpu)
    result["gen_s"] = gt
    result["gen_cpu_s"] = gen_cpu
    result["gen_tokens_per_cpu_s"] = gen["batch"] * gen["new"] / min(gen_cpu)
    result["gen_tokens_per_s"] = gen["batch"] * gen["new"] / min(gt)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
