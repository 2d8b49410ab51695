"""An independent plain-PyTorch Qwen2 / Qwen3 / Llama decoder, written from the math of Hugging Face's
modeling_qwen2.py / modeling_qwen3.py / modeling_llama.py (eager attention) and of Llama 3.1's rope scaling
(the "llama3" rope_type), for two uses: the oracle fixtures of the Java
model (model/src/test/python/gen_model_fixtures.py) and the PyTorch side of `prime4j bench model`
(bench_torch_step.py). It shares nothing with the Java code but the tensor names.

Weights are a dict keyed by Hugging Face tensor name; cfg is a dict with config.json's field names.
"""
import math

import torch
import torch.nn.functional as F


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def inverse_frequencies(head_dim, theta, scaling=None):
    """omega_k = theta^(-2k/d), k < d/2; with Llama 3.1's scaling, by wavelength lambda = 2 pi / omega against
    the pre-training context L: lambda < L / high_freq_factor keeps omega, lambda > L / low_freq_factor gives
    omega / factor, and between the two alpha = (L / lambda - low) / (high - low) blends
    (1 - alpha) omega / factor + alpha omega."""
    omega = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    if not scaling or scaling.get("rope_type", scaling.get("type")) == "default":
        return omega
    assert scaling["rope_type"] == "llama3", scaling
    factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
    context = scaling["original_max_position_embeddings"]
    wavelength = 2 * math.pi / omega
    alpha = (context / wavelength - low) / (high - low)
    blended = (1 - alpha) * omega / factor + alpha * omega
    out = torch.where(wavelength > context / low, omega / factor, blended)
    return torch.where(wavelength < context / high, omega, out)


def rotary(positions, head_dim, theta, scaling=None):
    """cos, sin of shape (B, T, head_dim) for integer positions (B, T); HF's rope, optionally llama3-scaled."""
    inv_freq = inverse_frequencies(head_dim, theta, scaling)
    freqs = positions[..., None].float() * inv_freq
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def positions_from_mask(mask):
    """Left padding: each row's first real token gets position 0 (HF's generate() does the same)."""
    return (mask.long().cumsum(-1) - 1).clamp(min=0)


def head_dim(cfg):
    """config.json's head_dim; when absent Qwen3Config says 128, the others hidden / heads."""
    if cfg.get("head_dim"):
        return cfg["head_dim"]
    return 128 if qk_norm(cfg) else cfg["hidden_size"] // cfg["num_attention_heads"]


def qk_norm(cfg):
    """Qwen3 RMS-normalizes every query and key head (weights q_norm, k_norm of width head_dim) before rope."""
    return cfg.get("model_type") == "qwen3"


def forward(cfg, w, ids, mask, positions=None, cache=None):
    """Logits (B, T, V) for new token ids (B, T).

    mask (B, K) is 1 for real tokens over all K = cached + T key positions; positions (B, T) default to the
    left-padding positions of a cache-free pass. cache, when given, is a list (one entry per layer, [] at
    first) of [keys, values] of shape (B, kv_heads, cached, head_dim); it is extended in place.
    """
    b, t = ids.shape
    nh, nkv, hd = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    eps = cfg["rms_norm_eps"]
    if positions is None:
        positions = positions_from_mask(mask)
    cos, sin = rotary(positions, hd, cfg["rope_theta"], cfg.get("rope_scaling"))
    cos, sin = cos[:, None], sin[:, None]
    k_len = mask.shape[1]
    causal = torch.ones(t, k_len, dtype=torch.bool).tril(diagonal=k_len - t)
    allowed = causal[None, None] & mask.bool()[:, None, None, :]
    bias = torch.zeros(b, 1, t, k_len).masked_fill(~allowed, torch.finfo(torch.float32).min)

    def lin(x, name):
        return F.linear(x, w[name + ".weight"], w.get(name + ".bias"))

    h = F.embedding(ids, w["model.embed_tokens.weight"])
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        x = rms_norm(h, w[p + "input_layernorm.weight"], eps)
        q = lin(x, p + "self_attn.q_proj").view(b, t, nh, hd)
        k = lin(x, p + "self_attn.k_proj").view(b, t, nkv, hd)
        if qk_norm(cfg):
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        q, k = q.transpose(1, 2), k.transpose(1, 2)
        v = lin(x, p + "self_attn.v_proj").view(b, t, nkv, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:
            if len(cache) <= i:
                cache.append([k, v])
            else:
                cache[i] = [torch.cat((cache[i][0], k), dim=2), torch.cat((cache[i][1], v), dim=2)]
            k, v = cache[i]
        k = torch.repeat_interleave(k, nh // nkv, dim=1)
        v = torch.repeat_interleave(v, nh // nkv, dim=1)
        scores = torch.matmul(q, k.transpose(2, 3)) * hd ** -0.5 + bias
        probs = F.softmax(scores, dim=-1, dtype=torch.float32)
        o = torch.matmul(probs, v).transpose(1, 2).reshape(b, t, nh * hd)
        h = h + lin(o, p + "self_attn.o_proj")
        x = rms_norm(h, w[p + "post_attention_layernorm.weight"], eps)
        h = h + lin(F.silu(lin(x, p + "mlp.gate_proj")) * lin(x, p + "mlp.up_proj"), p + "mlp.down_proj")
    h = rms_norm(h, w["model.norm.weight"], eps)
    head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    return F.linear(h, head)


def greedy_generate(cfg, w, prompts, new_tokens):
    """Greedy continuation of left-padded prompts with a KV cache; returns (tokens (B, n), their logprobs)."""
    b = len(prompts)
    width = max(len(p) for p in prompts)
    ids = torch.zeros(b, width, dtype=torch.long)
    mask = torch.zeros(b, width, dtype=torch.long)
    for r, p in enumerate(prompts):
        ids[r, width - len(p):] = torch.tensor(p)
        mask[r, width - len(p):] = 1
    cache = []
    logits = forward(cfg, w, ids, mask, cache=cache)[:, -1]
    pos = mask.sum(-1, keepdim=True)
    out, lps = [], []
    for _ in range(new_tokens):
        lp = F.log_softmax(logits.float(), dim=-1)
        tok = lp.argmax(-1, keepdim=True)
        out.append(tok)
        lps.append(lp.gather(-1, tok))
        mask = torch.cat((mask, torch.ones(b, 1, dtype=torch.long)), dim=1)
        logits = forward(cfg, w, tok, mask, positions=pos, cache=cache)[:, -1]
        pos = pos + 1
    return torch.cat(out, dim=1), torch.cat(lps, dim=1)


def token_logprobs(logits, ids):
    """log p(ids[:, j+1] | ids[:, :j+1]) for j = 0..T-2, shape (B, T-1)."""
    lp = F.log_softmax(logits[:, :-1].float(), dim=-1)
    return lp.gather(-1, ids[:, 1:, None]).squeeze(-1)


def param_names(cfg):
    names = ["model.embed_tokens.weight"]
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        names.append(p + "input_layernorm.weight")
        for m in ("q", "k", "v", "o"):
            names.append(p + "self_attn.%s_proj.weight" % m)
            if m != "o" and cfg.get("attention_bias", False):
                names.append(p + "self_attn.%s_proj.bias" % m)
        if qk_norm(cfg):
            names.append(p + "self_attn.q_norm.weight")
            names.append(p + "self_attn.k_norm.weight")
        names.append(p + "post_attention_layernorm.weight")
        for m in ("gate", "up", "down"):
            names.append(p + "mlp.%s_proj.weight" % m)
            if cfg.get("mlp_bias", False):
                names.append(p + "mlp.%s_proj.bias" % m)
    names.append("model.norm.weight")
    if not cfg.get("tie_word_embeddings", False):
        names.append("lm_head.weight")
    return names


def param_shapes(cfg):
    d, ff, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    nh, nkv, hd = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    out = {"q": nh * hd, "k": nkv * hd, "v": nkv * hd}
    shapes = {}
    for n in param_names(cfg):
        if n.endswith("embed_tokens.weight") or n == "lm_head.weight":
            shapes[n] = (v, d)
        elif "layernorm" in n or n == "model.norm.weight":
            shapes[n] = (d,)
        elif n.endswith("q_norm.weight") or n.endswith("k_norm.weight"):
            shapes[n] = (hd,)
        elif "self_attn" in n:
            m = n.split("self_attn.")[1][0]
            if m == "o":
                shapes[n] = (d, nh * hd)
            else:
                shapes[n] = (out[m], d) if n.endswith("weight") else (out[m],)
        elif "gate_proj" in n or "up_proj" in n:
            shapes[n] = (ff, d) if n.endswith("weight") else (ff,)
        else:
            shapes[n] = (d, ff) if n.endswith("weight") else (d,)
    return shapes


def random_weights(cfg, seed, std=0.02):
    """Random weights; norms and biases are randomized too so that every parameter matters."""
    g = torch.Generator().manual_seed(seed)
    w = {}
    for n, s in param_shapes(cfg).items():
        if "norm" in n:
            w[n] = 1.0 + 0.1 * torch.randn(s, generator=g)
        elif n.endswith(".bias"):
            w[n] = 0.1 * torch.randn(s, generator=g)
        else:
            w[n] = std * torch.randn(s, generator=g)
    return w
