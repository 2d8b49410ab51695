#!/usr/bin/python3
"""Fixtures for prime4j's checkpoint IO tests, made with PyTorch as the independent oracle.

Run with Debian's python (it has torch):  /usr/bin/python3 model/src/test/python/gen_io_fixtures.py
Writes model/src/test/resources/io/:
  halffloat_cases.safetensors  inputs chosen to hit every rounding path (ties to even, NaN, +-Inf,
                               overflow to Inf, float32 and float16 subnormals, zeros) plus random values;
                               torch's BF16 and F16 conversions of them and those widened back to F32.
  torch_written.safetensors    small tensors in F32/F16/BF16 (matrix, scalar, empty) with metadata,
                               written by the header code below (tensors deliberately not in name order in
                               the data section) to check that Java reads a file it did not write.
The safetensors format is written here by hand (8-byte little-endian header length, JSON header padded
with spaces to a multiple of 8, raw little-endian data) so the fixtures do not depend on prime4j's writer.
"""
import json
import os
import struct

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "io")
ST_DTYPE = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}


def raw_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    if t.dtype == torch.float16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().astype("<f4").tobytes()


def write_safetensors(path, tensors, metadata, data_order):
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name in data_order:
        b = raw_bytes(tensors[name])
        header[name] = {"dtype": ST_DTYPE[tensors[name].dtype], "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def f32_from_bits(bits):
    return np.array(bits, dtype=np.uint32).view(np.float32)


def special_inputs():
    bits = [
        0x00000000, 0x80000000,              # +-0
        0x7F800000, 0xFF800000,              # +-Inf
        0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FBFFFFF, 0xFFC12345,  # NaNs: quiet, signalling, payloads
        0x00000001, 0x807FFFFF, 0x00400000,  # float32 subnormals
        0x3F808000, 0x3F818000,              # BF16 ties: 1+2^-8 (to even: down), 1+3*2^-8 (up)
        0x3F808001, 0x3F807FFF,              # just above / below a BF16 tie
        0x3F801000, 0x3F803000,              # F16 ties: 1+2^-11 (down), 1+3*2^-11 (up)
        0x3F801001, 0x3F800FFF,              # just above / below an F16 tie
        0x7F7FFFFF, 0xFF7FFFFF,              # float32 max: BF16 rounds to Inf
        0x7F7F7FFF, 0x7F7F8000,              # below / at the BF16 overflow tie
        0x477FE000, 0x477FEFFF, 0x477FF000, 0xC77FF000,  # 65504, just below 65520, 65520 (-> Inf)
        0x38800000, 0x387FC000, 0x387FE000,  # F16 min normal 2^-14, largest F16 subnormal, tie to min normal
        0x33800000, 0x33000000, 0x33000001, 0x32FFFFFF, 0xB3000000,  # 2^-24, 2^-25 (tie to 0), around it
        0x33C00000, 0x34200000,              # 1.5*2^-24 (tie, up to 2), 2.5*2^-24 (tie, down to 2)
        0x3F800000, 0xBF800000, 0x3EAAAAAB, 0x40490FDB,  # 1, -1, 1/3, pi
    ]
    return f32_from_bits(bits)


def main():
    os.makedirs(OUT, exist_ok=True)
    g = torch.Generator().manual_seed(20250126)
    rand = torch.cat([
        torch.randn(2000, generator=g),
        torch.randn(1000, generator=g) * 1e-5,   # F16 subnormal range
        torch.randn(1000, generator=g) * 3e4,    # near F16 overflow
        (torch.rand(1000, generator=g) - 0.5) * 1e38,
    ]).float()
    # random bit patterns cover every exponent, including NaNs and subnormals
    rbits = torch.randint(0, 2**31 - 1, (4000,), generator=g, dtype=torch.int64)
    rbits = rbits * 2 + torch.randint(0, 2, (4000,), generator=g, dtype=torch.int64)
    rbits = f32_from_bits(rbits.numpy().astype(np.uint32))
    x = torch.from_numpy(np.concatenate([special_inputs(), rand.numpy(), rbits]).astype(np.float32))
    bf16 = x.to(torch.bfloat16)
    f16 = x.to(torch.float16)
    cases = {
        "input": x,
        "bf16": bf16,
        "f16": f16,
        "bf16_widened": bf16.float(),
        "f16_widened": f16.float(),
    }
    write_safetensors(os.path.join(OUT, "halffloat_cases.safetensors"), cases,
                      {"format": "pt", "generator": "gen_io_fixtures.py", "torch": torch.__version__},
                      sorted(cases))

    m = (torch.arange(15, dtype=torch.float32).reshape(3, 5) - 7) / 4
    small = {
        "layer.weight_f32": m,
        "layer.weight_f16": m.to(torch.float16),
        "layer.weight_bf16": m.to(torch.bfloat16),
        "scalar": torch.tensor(3.25),
        "empty": torch.zeros(0, 4),
        "vec_bf16": torch.tensor([1.0, -2.5, 1e-3, 65504.0], dtype=torch.bfloat16),
    }
    write_safetensors(os.path.join(OUT, "torch_written.safetensors"), small,
                      {"format": "pt", "note": "written by gen_io_fixtures.py"},
                      ["vec_bf16", "scalar", "layer.weight_f32", "empty", "layer.weight_bf16",
                       "layer.weight_f16"])
    print("wrote", len(x), "conversion cases to", OUT)


if __name__ == "__main__":
    main()
