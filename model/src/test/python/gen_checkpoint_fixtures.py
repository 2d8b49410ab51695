"""Oracle fixtures for LoRA training over a frozen BF16 base with per-layer activation checkpointing.

    /usr/bin/python3 model/src/test/python/gen_checkpoint_fixtures.py

For each BF16 model fixture (written by gen_model_fixtures.py) it writes <fixture>/lora_grad/: a PEFT adapter
(adapter_config.json + adapter_model.safetensors, F32, B non-zero so every factor gets a gradient) and
expected.json with the gradients of PRIME's implicit-PRM loss with respect to every adapter tensor, computed by
plain PyTorch autograd over the BF16 weights widened to F32 (what the Java side widens them to):
    q_i = sum_t mask * (log pi(y_t) - ref_t),  L = sum_i BCE(sigmoid(beta * q_i), o_i).
"""
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import torch_reference as ref  # noqa: E402
from gen_model_fixtures import OUT, left_pad, rounded, write_safetensors  # noqa: E402

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
RANK, ALPHA, BETA = 4, 8.0, 0.5


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        a, b = meta["data_offsets"]
        raw = bytearray(data[a:b])
        if meta["dtype"] == "BF16":
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16).float()
        else:
            t = torch.frombuffer(raw, dtype=torch.float32).clone()
        out[name] = t.reshape(meta["shape"])
    return out


def module(i, proj):
    return "model.layers.%d.%s.%s" % (i, "mlp" if proj in ("gate_proj", "up_proj", "down_proj") else "self_attn",
                                      proj)


def make(name, seed):
    d = os.path.join(OUT, name)
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    with open(os.path.join(d, "expected.json")) as f:
        seqs = json.load(f)["sequences"]
    w = read_safetensors(os.path.join(d, "model.safetensors"))
    g = torch.Generator().manual_seed(seed)
    lora = {}
    for i in range(cfg["num_hidden_layers"]):
        for proj in TARGETS:
            m = module(i, proj)
            out_f, in_f = w[m + ".weight"].shape
            lora[m] = (torch.nn.Parameter(torch.randn(RANK, in_f, generator=g) * 0.3),
                       torch.nn.Parameter(torch.randn(out_f, RANK, generator=g) * 0.3))
    scale = ALPHA / RANK

    class Adapted(dict):
        """The base weights; linear layers with an adapter get W + scale * B A (same function as the delta)."""

    aw = Adapted(w)
    for m, (a, b) in lora.items():
        aw[m + ".weight"] = w[m + ".weight"] + scale * (b @ a)
    ids, mask = left_pad(seqs, pad_id=0)
    lps = ref.token_logprobs(ref.forward(cfg, aw, ids, mask), ids)
    target_mask = (mask[:, :-1] * mask[:, 1:]).float()
    ref_lp = (torch.randn(lps.shape, generator=g) * 0.5 - 3.0) * target_mask
    outcomes = torch.tensor([1.0, 0.0, 1.0, 0.0])
    q = ((lps - ref_lp) * target_mask).sum(-1)
    loss = F.binary_cross_entropy_with_logits(BETA * q, outcomes, reduction="sum")
    loss.backward()
    out = os.path.join(d, "lora_grad")
    os.makedirs(out, exist_ok=True)
    tensors, grads = {}, {}
    for m, (a, b) in lora.items():
        for which, p in (("lora_A", a), ("lora_B", b)):
            key = "base_model.model.%s.%s.weight" % (m, which)
            tensors[key] = p.detach()
            grads[key] = rounded(p.grad.flatten())
    write_safetensors(os.path.join(out, "adapter_model.safetensors"), tensors, "F32")
    with open(os.path.join(out, "adapter_config.json"), "w") as f:
        json.dump({"peft_type": "LORA", "task_type": "CAUSAL_LM", "r": RANK, "lora_alpha": ALPHA,
                   "lora_dropout": 0.0, "target_modules": TARGETS, "bias": "none",
                   "base_model_name_or_path": name}, f, indent=2)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"beta": BETA, "outcomes": outcomes.tolist(), "ref_logprobs": [rounded(r) for r in ref_lp],
                   "loss": float(loss), "grads": grads}, f)
    print(name, "loss", float(loss), "max |grad|", max(max(abs(x) for x in v) for v in grads.values()))


if __name__ == "__main__":
    torch.set_num_threads(1)
    make("qwen2-mha-untied-bf16", 31)
    make("llama-mqa-untied-bf16", 32)
