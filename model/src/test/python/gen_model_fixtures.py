"""Oracle fixtures for the Java causal LM: run with Debian's /usr/bin/python3 (torch 1.13, CPU).

    /usr/bin/python3 model/src/test/python/gen_model_fixtures.py

For each tiny random config it writes model/src/test/resources/fixtures/<name>/ with config.json,
model.safetensors (written by the small writer below, F32 or BF16) and expected.json: the sequences,
their logits and teacher-forced log-probs from ONE left-padded batch, and greedy continuations made by
repeated full forward passes on each prompt alone (no cache, no padding).
"""
import json
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # torch_reference.py, the independent model, lives beside this script
import torch_reference as ref  # noqa: E402

OUT = os.path.join(HERE, "..", "resources", "fixtures")


def write_safetensors(path, tensors, dtype):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        if dtype == "BF16":
            raw = t.to(torch.bfloat16).view(torch.int16).numpy().tobytes()
        else:
            raw = t.to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def left_pad(seqs, pad_id):
    t = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), t), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), t), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, t - len(s):] = torch.tensor(s)
        mask[i, t - len(s):] = 1
    return ids, mask


def greedy(cfg, w, prompt, n):
    seq = list(prompt)
    for _ in range(n):
        ids = torch.tensor([seq])
        logits = ref.forward(cfg, w, ids, torch.ones_like(ids))
        seq.append(int(logits[0, -1].argmax()))
    return seq[len(prompt):]


def rounded(x):
    return [round(float(v), 7) for v in x]


def variant_gap(cfg, w, ids, mask, logits):
    """How far the logits move without the feature a fixture is about (Qwen3's q/k norm, Llama 3.1's rope
    scaling): a fixture is only a test of that feature if this is far above the 1e-4 tolerance."""
    if ref.qk_norm(cfg):
        plain = dict(cfg, model_type="llama", head_dim=ref.head_dim(cfg))
    elif cfg.get("rope_scaling"):
        plain = dict(cfg, rope_scaling=None)
    else:
        return None
    return float((ref.forward(plain, w, ids, mask) - logits).abs().max())


def make(name, cfg, dtype, seed):
    torch.manual_seed(seed)
    w = ref.random_weights(cfg, seed, std=0.2)
    if dtype == "BF16":
        w = {k: v.to(torch.bfloat16).float() for k, v in w.items()}
    v = cfg["vocab_size"]
    g = torch.Generator().manual_seed(seed + 1)
    lengths = [7, 3, 5, 1]
    seqs = [torch.randint(0, v, (n,), generator=g).tolist() for n in lengths]
    ids, mask = left_pad(seqs, pad_id=0)
    with torch.no_grad():
        logits = ref.forward(cfg, w, ids, mask)
        lps = ref.token_logprobs(logits, ids)
        t = ids.shape[1]
        exp_logits, exp_lps = [], []
        for i, s in enumerate(seqs):
            start = t - len(s)
            exp_logits.append([rounded(logits[i, j]) for j in range(start, t)])
            exp_lps.append(rounded(lps[i, start:]))
            # The reference itself must not depend on padding: each row alone gives the same logits.
            alone = ref.forward(cfg, w, torch.tensor([s]), torch.ones(1, len(s), dtype=torch.long))
            assert torch.allclose(alone[0], logits[i, start:], atol=1e-5), name
        gap = variant_gap(cfg, w, ids, mask, logits)
        assert gap is None or gap > 1e-2, (name, gap)
        prompts = [s for s in seqs if len(s) >= 1]
        conts = [greedy(cfg, w, p, 6) for p in prompts]
        # The reference's own KV-cache path (used by the benchmark) agrees with cache-free decoding.
        cached, _ = ref.greedy_generate(cfg, w, prompts, 6)
        assert cached.tolist() == conts, name
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
    write_safetensors(os.path.join(d, "model.safetensors"), w, dtype)
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"sequences": seqs, "logits": exp_logits, "logprobs": exp_lps,
                   "greedy_prompts": prompts, "greedy_new_tokens": 6, "greedy": conts}, f)
    print(name, dtype, "params", sum(x.numel() for x in w.values()),
          "" if gap is None else "max |logit change| without the family feature %.3g" % gap)


def train_step(name, cfg, seed, extra_watch=()):
    """One training step on a fixture model: loss = -mean log-prob over the real targets of a left-padded
    batch, the global gradient norm, then clip_grad_norm_(1.0) + AdamW; records gradients and new weights."""
    d = os.path.join(OUT, name)
    w = ref.random_weights(cfg, seed, std=0.2)
    with open(os.path.join(d, "expected.json")) as f:
        seqs = json.load(f)["sequences"]
    ids, mask = left_pad(seqs, pad_id=0)
    params = {k: torch.nn.Parameter(v.clone()) for k, v in w.items()}
    lps = ref.token_logprobs(ref.forward(cfg, params, ids, mask), ids)
    target_mask = (mask[:, :-1] * mask[:, 1:]).float()
    loss = -(lps * target_mask).sum() / target_mask.sum()
    loss.backward()
    watch = ["model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.down_proj.weight",
             "model.norm.weight", "model.embed_tokens.weight"] + list(extra_watch)
    grads = {k: rounded(params[k].grad.flatten()) for k in watch}
    norm = float(torch.nn.utils.clip_grad_norm_(list(params.values()), 1.0))
    opt = torch.optim.AdamW(list(params.values()), lr=0.01, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
    opt.step()
    after = {k: rounded(params[k].detach().flatten()) for k in watch}
    with open(os.path.join(d, "train_step.json"), "w") as f:
        json.dump({"loss": float(loss), "grad_norm": norm, "grads": grads, "after": after,
                   "lr": 0.01, "beta1": 0.9, "beta2": 0.95, "eps": 1e-8, "weight_decay": 0.1,
                   "max_grad_norm": 1.0}, f)
    print(name, "train step loss", float(loss), "grad norm", norm)


def adamw_fixture():
    """torch.optim.AdamW on two tensors over 4 steps of given gradients, with global-norm clipping."""
    g = torch.Generator().manual_seed(5)
    p = [torch.nn.Parameter(torch.randn(3, 4, generator=g)), torch.nn.Parameter(torch.randn(5, generator=g))]
    start = [rounded(x.detach().flatten()) for x in p]
    opt = torch.optim.AdamW(p, lr=0.05, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.2)
    steps = []
    for t in range(4):
        grads = [torch.randn(x.shape, generator=g) * (3.0 if t % 2 == 0 else 0.1) for x in p]
        for x, gr in zip(p, grads):
            x.grad = gr.clone()
        norm = float(torch.nn.utils.clip_grad_norm_(p, 1.0))
        opt.step()
        steps.append({"grads": [rounded(gr.flatten()) for gr in grads], "norm": norm,
                      "after": [rounded(x.detach().flatten()) for x in p]})
    with open(os.path.join(OUT, "adamw.json"), "w") as f:
        json.dump({"start": start, "shapes": [list(x.shape) for x in p], "lr": 0.05, "beta1": 0.9,
                   "beta2": 0.999, "eps": 1e-6, "weight_decay": 0.2, "max_grad_norm": 1.0, "steps": steps}, f)


def rope_fixture():
    """sin of the rotary angles at position 1 (= sin of each inverse frequency) for Llama 3.1 8B's real rope
    settings and for Llama 3.2's factor 32: the llama3 rewrite at full size, not only on the tiny fixtures."""
    cases = []
    for factor in (8.0, 32.0):
        scaling = {"rope_type": "llama3", "factor": factor, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                   "original_max_position_embeddings": 8192}
        _, sin = ref.rotary(torch.tensor([[1]]), 128, 500000.0, scaling)
        cases.append({"head_dim": 128, "rope_theta": 500000.0, "rope_scaling": scaling,
                      "sin_at_1": [float(x) for x in sin[0, 0, :64]]})
    with open(os.path.join(OUT, "llama3_rope.json"), "w") as f:
        json.dump(cases, f, indent=1)


def config(arch, **kw):
    model_type = {"Qwen2ForCausalLM": "qwen2", "Qwen3ForCausalLM": "qwen3", "LlamaForCausalLM": "llama"}[arch]
    c = {"architectures": [arch], "model_type": model_type,
         "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4,
         "num_key_value_heads": 2, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "vocab_size": 64,
         "max_position_embeddings": 128, "tie_word_embeddings": True, "bos_token_id": 1,
         "eos_token_id": 2, "hidden_act": "silu", "torch_dtype": "float32"}
    c.update(kw)
    return c


if __name__ == "__main__":
    torch.set_num_threads(1)
    make("qwen2-gqa-tied-f32", config("Qwen2ForCausalLM", attention_bias=True), "F32", 11)
    make("qwen2-mha-untied-bf16", config("Qwen2ForCausalLM", attention_bias=True, num_key_value_heads=4,
                                         tie_word_embeddings=False, torch_dtype="bfloat16",
                                         rope_theta=1000000.0), "BF16", 12)
    make("llama-mqa-untied-bf16", config("LlamaForCausalLM", num_key_value_heads=1, tie_word_embeddings=False,
                                         attention_bias=False, mlp_bias=False, torch_dtype="bfloat16",
                                         eos_token_id=[2, 3]), "BF16", 13)
    make("llama-bias-headdim-f32", config("LlamaForCausalLM", attention_bias=True, mlp_bias=True,
                                          head_dim=16, rope_theta=500000.0), "F32", 14)
    # Qwen3: q/k RMSNorm per head, no qkv bias by default, a head_dim (16) that is not hidden / heads (8).
    make("qwen3-gqa-headdim-tied-f32", config("Qwen3ForCausalLM", attention_bias=False, head_dim=16,
                                              rope_theta=1000000.0, use_sliding_window=False,
                                              sliding_window=None, max_window_layers=2), "F32", 15)
    # No head_dim in config.json: Qwen3Config's default is 128 (not hidden / heads = 8).
    make("qwen3-mha-bias-untied-bf16", config("Qwen3ForCausalLM", attention_bias=True, num_key_value_heads=4,
                                              tie_word_embeddings=False, torch_dtype="bfloat16"), "BF16", 16)
    # Llama 3.1: with head_dim 16 and theta 1e4 the wavelengths 6.3, 20, 63, 199, ... fall on all three
    # branches of the llama3 rewrite (kept below 64/4, interpolated up to 64/1, divided by 8 beyond).
    llama31 = {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
               "original_max_position_embeddings": 64, "rope_type": "llama3"}
    make("llama31-rope-scaling-f32", config("LlamaForCausalLM", num_attention_heads=2, num_key_value_heads=1,
                                            head_dim=16, tie_word_embeddings=False, attention_bias=False,
                                            mlp_bias=False, rope_scaling=llama31, eos_token_id=[2, 3]),
         "F32", 17)
    make("llama31-rope-scaling-bf16", config("LlamaForCausalLM", rope_scaling=llama31, torch_dtype="bfloat16",
                                             tie_word_embeddings=True), "BF16", 18)
    train_step("qwen2-gqa-tied-f32", config("Qwen2ForCausalLM", attention_bias=True), 11)
    train_step("llama-bias-headdim-f32", config("LlamaForCausalLM", attention_bias=True, mlp_bias=True,
                                                head_dim=16, rope_theta=500000.0), 14)
    train_step("qwen3-gqa-headdim-tied-f32", config("Qwen3ForCausalLM", attention_bias=False, head_dim=16,
                                                    rope_theta=1000000.0, use_sliding_window=False,
                                                    sliding_window=None, max_window_layers=2), 15,
               extra_watch=["model.layers.0.self_attn.q_norm.weight", "model.layers.1.self_attn.k_norm.weight"])
    adamw_fixture()
    rope_fixture()
