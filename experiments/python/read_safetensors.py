#!/usr/bin/env python3
"""Read a safetensors file by the format's own rules, with Python's standard
library only, and print each tensor's dtype, shape and sum as JSON.

    python3 experiments/python/read_safetensors.py runs/rbm/checkpoints/epoch-000030/model.safetensors

The rules checked: an 8-byte little-endian header length, a UTF-8 JSON
header, dtypes F32/F64/U8/I64, data_offsets relative to the end of the header,
contiguous and covering the whole data section, sizes matching the shapes.
With PyTorch and the safetensors package one would write instead:

    from safetensors.torch import load_file; w = load_file(path)["W"]
"""
import array
import json
import struct
import sys

SIZES = {"F32": ("f", 4), "F64": ("d", 8), "U8": ("B", 1), "I64": ("q", 8)}


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    meta = header.pop("__metadata__", {})
    spans, out = [], {}
    for name, info in header.items():
        code, size = SIZES[info["dtype"]]
        begin, end = info["data_offsets"]
        count = 1
        for d in info["shape"]:
            count *= d
        assert end - begin == count * size, f"{name}: offsets do not match shape"
        values = array.array(code)
        values.frombytes(data[begin:end])
        if sys.byteorder != "little":
            values.byteswap()
        spans.append((begin, end))
        out[name] = {"dtype": info["dtype"], "shape": info["shape"], "sum": float(sum(values))}
    pos = 0
    for begin, end in sorted(spans):
        assert begin == pos, "tensors overlap or leave a gap"
        pos = end
    assert pos == len(data), "bytes after the last tensor"
    return meta, out


if __name__ == "__main__":
    meta, tensors = read(sys.argv[1])
    print(json.dumps({"metadata": meta, "tensors": tensors}, sort_keys=True))
