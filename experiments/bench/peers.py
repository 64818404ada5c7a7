#!/usr/bin/env python3
"""Time one CD-1 epoch of the peers on the same data as experiments/bench:
PyTorch on CPU (a plain CD-1 with torch.matmul, at each thread setting, best
kept) and scikit-learn's BernoulliRBM (PCD-1, one iteration). Prints one JSON
object. Debian's packages: apt-get install python3-torch python3-sklearn.

    /usr/bin/python3 experiments/bench/peers.py MNIST_DIR
"""
import gzip
import json
import os
import sys
import time

import numpy as np


def load(dirname):
    with gzip.open(os.path.join(dirname, "train-images-idx3-ubyte.gz")) as f:
        raw = f.read()
    x = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 784)
    rng = np.random.default_rng(1)
    return (rng.random(x.shape) < x / 255.0).astype(np.float32)  # stochastic binarisation


def torch_epoch(x, threads, dtype, persistent):
    import torch

    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(1)
    data = torch.from_numpy(x).to(dtype)
    n, nv, nh, bs, lr = data.shape[0], 784, 500, 100, 0.01
    W = torch.randn(nv, nh, generator=g, dtype=dtype) * 0.01
    b = torch.zeros(nv, dtype=dtype)
    c = torch.zeros(nh, dtype=dtype)
    chains = torch.bernoulli(torch.full((bs, nv), 0.5, dtype=dtype), generator=g)
    perm = torch.randperm(n, generator=g)
    start = time.perf_counter()
    for i in range(n // bs):
        v0 = data[perm[i * bs:(i + 1) * bs]]
        ph0 = torch.sigmoid(v0 @ W + c)
        vstart = chains if persistent else v0
        phs = torch.sigmoid(vstart @ W + c) if persistent else ph0
        h = torch.bernoulli(phs, generator=g)
        pv = torch.sigmoid(h @ W.T + b)
        v1 = torch.bernoulli(pv, generator=g)
        ph1 = torch.sigmoid(v1 @ W + c)
        if persistent:
            chains = v1
        W += lr * (v0.T @ ph0 - v1.T @ ph1) / bs
        b += lr * (v0 - v1).mean(0)
        c += lr * (ph0 - ph1).mean(0)
    return time.perf_counter() - start


def sklearn_epoch(x):
    from sklearn.neural_network import BernoulliRBM

    rbm = BernoulliRBM(n_components=500, learning_rate=0.01, batch_size=100, n_iter=1, random_state=1)
    start = time.perf_counter()
    rbm.fit(x)
    return time.perf_counter() - start


def main():
    x = load(sys.argv[1])
    out = {"images": int(x.shape[0])}
    try:
        import torch

        out["torch_version"] = torch.__version__
        for dtype, name in ((torch.float32, "float32"), (torch.float64, "float64")):
            for persistent, kind in ((False, "cd1"), (True, "pcd1")):
                best = None
                for threads in (1, 2):
                    # Best of three: the first run also warms the allocator,
                    # and OpenBLAS's threads make single epochs vary.
                    t = min(torch_epoch(x, threads, dtype, persistent) for _ in range(3))
                    out[f"torch_{kind}_{name}_threads{threads}"] = t
                    if best is None or t < best[0]:
                        best = (t, threads)
                out[f"torch_{kind}_{name}"] = best[0]
                out[f"torch_{kind}_{name}_best_threads"] = best[1]
    except ImportError as e:
        out["torch_error"] = str(e)
    try:
        import sklearn

        out["sklearn_version"] = sklearn.__version__
        out["sklearn_pcd1_float64"] = min(sklearn_epoch(x.astype(np.float64)) for _ in range(2))
        out["sklearn_pcd1_float32"] = min(sklearn_epoch(x) for _ in range(2))
    except ImportError as e:
        out["sklearn_error"] = str(e)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
