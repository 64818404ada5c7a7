#!/usr/bin/env python3
"""Use a pretrained RBM from Python with numpy alone: read its
model.safetensors, then p(h|v) and the free energy of images.

    /usr/bin/python3 experiments/python/pretrained_numpy.py experiments/rbm-mnist/models/pcd5-dyn100

prints, as JSON, the free energy F(v) = -b.v - sum_j softplus(c_j + (vW)_j)
of two rows (every other image row on, and all pixels off) and the mean
p(h=1|v) of the first; the Go test TestNumpyReadsPretrainedRBM compares
them with the Go side's.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": "<f4", "F64": "<f8", "U8": "u1", "I64": "<i8"}


def load(path):
    """The tensors of a safetensors file, by name, as numpy arrays."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    header.pop("__metadata__", None)
    data = raw[8 + n :]
    return {
        name: np.frombuffer(data[t["data_offsets"][0] : t["data_offsets"][1]], DTYPES[t["dtype"]]).reshape(t["shape"])
        for name, t in header.items()
    }


def features(m, v):
    """p(h=1|v) for the rows of v."""
    return 1 / (1 + np.exp(-(v @ m["W"] + m["c"])))


def free_energy(m, v):
    """F(v), so that log p(v) = -F(v) - log Z (log Z from boltzmann eval)."""
    return -(v @ m["b"]) - np.logaddexp(0, v @ m["W"] + m["c"]).sum(axis=1)


if __name__ == "__main__":
    m = {k: a.astype(np.float64) for k, a in load(sys.argv[1] + "/model.safetensors").items()}
    stripes = np.array([1.0 if (i // 28) % 2 == 0 else 0.0 for i in range(784)])
    v = np.stack([stripes, np.zeros(784)])
    print(json.dumps({"free_energy": free_energy(m, v).tolist(), "mean_feature": float(features(m, v[:1]).mean())}))
