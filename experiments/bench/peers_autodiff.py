#!/usr/bin/env python3
"""Time, with PyTorch's autograd on CPU, the same work as the autodiff rows of
experiments/bench (go run ./experiments/bench -autodiff), on 10,000 MNIST
training images, at one and two torch threads, best of three at each (in
three rounds, each of which times every row once):

- CD-1 on a 784x500 Gaussian-Bernoulli RBM with learned log-variances
  (float64 and float32): h ~ p(h|v0), v1 ~ N(b + Wh, sigma^2), the gradient of
  mean F(v0) - mean F(v1) by autograd, steps of W and b scaled by sigma^2,
  momentum 0.5, weight decay 1e-4 on W, log-variances at a tenth of the rate
  and kept within the bounds on sigma;
- one epoch of a 1784-500-1000-10 logistic network with a softmax output
  (the DBM classifier's fine-tuning), float32, SGD with momentum 0.9;
- joint training of a 784-500-1000 DBM (dbm_epoch says how), float32, on
  the images binarised stochastically;
- the binary RBM's CD-1 of peers.py (torch.matmul, no autograd), float32, on
  the same binary images.

Prints one JSON object. apt-get install python3-torch.

    /usr/bin/python3 experiments/bench/peers_autodiff.py MNIST_DIR
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch

N = 10000


def load(dirname):
    with gzip.open(os.path.join(dirname, "train-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)[:N] / 255.0
    with gzip.open(os.path.join(dirname, "train-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read(), dtype=np.uint8, offset=8)[:N].astype(np.int64)
    return x, y


def binarise(x):
    rng = np.random.default_rng(1)
    return (rng.random(x.shape) < x).astype(np.float32)


def gaussian_epoch(x, threads, dtype):
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(1)
    data = torch.from_numpy(x).to(dtype)
    std = data.var(0).clamp(min=0.1).sqrt()  # the trainer's floor on each pixel's spread
    data = (data - data.mean(0)) / std
    nv, nh, bs, lr, mom, wd = 784, 500, 100, 1e-3, 0.5, 1e-4
    W = (torch.randn(nv, nh, generator=g, dtype=dtype) * 0.01).requires_grad_()
    b = torch.zeros(nv, dtype=dtype, requires_grad=True)
    c = torch.zeros(nh, dtype=dtype, requires_grad=True)
    z = torch.zeros(nv, dtype=dtype, requires_grad=True)
    params, rates = [W, b, c, z], [1, 1, 1, 0.1]
    vel = [torch.zeros_like(p) for p in params]
    lo, hi = 2 * np.log(0.01), 2 * np.log(10)

    def free_energy(v):
        s2 = torch.exp(z)
        return ((v - b) ** 2 / (2 * s2)).sum(1) - torch.nn.functional.softplus((v / s2) @ W + c).sum(1)

    start = time.perf_counter()
    for i in range(N // bs):
        v0 = data[i * bs:(i + 1) * bs]
        with torch.no_grad():
            s2 = torch.exp(z).clamp(1e-4, 100)
            h = torch.bernoulli(torch.sigmoid((v0 / s2) @ W + c), generator=g)
            v1 = b + h @ W.T + s2.sqrt() * torch.randn(bs, nv, generator=g, dtype=dtype)
        cost = free_energy(v0).mean() - free_energy(v1).mean()
        for p in params:
            p.grad = None
        cost.backward()
        with torch.no_grad():
            W.grad *= s2[:, None]
            b.grad *= s2
            W.grad += wd * W
            for p, v, r in zip(params, vel, rates):
                v.mul_(mom).sub_(lr * r * p.grad)
                p.add_(v)
            z.clamp_(lo, hi)
    return time.perf_counter() - start


def finetune_epoch(x, y, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    g = torch.Generator().manual_seed(3)
    inputs = torch.cat([torch.from_numpy(x).float(), torch.rand(N, 1000, generator=g)], 1)
    labels = torch.from_numpy(y)
    net = torch.nn.Sequential(torch.nn.Linear(1784, 500), torch.nn.Sigmoid(), torch.nn.Linear(500, 1000),
                              torch.nn.Sigmoid(), torch.nn.Linear(1000, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    perm = torch.randperm(N, generator=g)
    start = time.perf_counter()
    for i in range(N // 100):
        idx = perm[i * 100:(i + 1) * 100]
        loss = torch.nn.functional.cross_entropy(net(inputs[idx]), labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def main():
    x, y = load(sys.argv[1])
    xb = binarise(x)
    from peers import torch_epoch  # the binary RBM's CD-1 of experiments/bench/peers.py

    rows = {
        "torch_gaussian_float64": lambda th: gaussian_epoch(x, th, torch.float64),
        "torch_gaussian_float32": lambda th: gaussian_epoch(x, th, torch.float32),
        "torch_finetune_float32": lambda th: finetune_epoch(x, y, th),
        "torch_dbm_float32": lambda th: dbm_epoch(xb, th),
        "torch_binary_cd1_float32": lambda th: torch_epoch(xb, th, torch.float32, False),
    }
    # Each round times every row once at each thread count, so that a
    # row's three runs at a count are spread over the minutes the rows
    # take (as the Go side's are), not made back to back within one of the
    # machine's slow spells.
    times = {}
    for _ in range(3):
        for threads in (1, 2):
            for key, run in rows.items():
                t = run(threads)
                times[key, threads] = min(times.get((key, threads), t), t)
    out = {"images": N, "torch_version": torch.__version__}
    for key in rows:
        t, threads = min((times[key, th], th) for th in (1, 2))
        out[key], out[key + "_best_threads"] = t, threads
    print(json.dumps(out))


def dbm_epoch(xb, threads):
    """Joint training of a 784-500-1000 DBM as package dbm does it, float32:
    mean-field for the data (recognition pass with doubled weights, then 10
    rounds), 100 persistent chains, 5 Gibbs sweeps (odd layer, then even),
    statistics from the data's mean-field values and the chains' samples of
    the odd layer and probabilities of the even ones, momentum 0.5, weight
    decay 2e-4."""
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(1)
    data = torch.from_numpy(xb)
    W1 = torch.randn(784, 500, generator=g) * 0.01
    W2 = torch.randn(500, 1000, generator=g) * 0.01
    b0, b1, b2 = torch.zeros(784), torch.zeros(500), torch.zeros(1000)
    params = [W1, W2, b0, b1, b2]
    vel = [torch.zeros_like(p) for p in params]
    v = torch.bernoulli(torch.full((100, 784), 0.5), generator=g)
    h1 = torch.bernoulli(torch.full((100, 500), 0.5), generator=g)
    h2 = torch.bernoulli(torch.full((100, 1000), 0.5), generator=g)
    lr, mom, wd = 0.001, 0.5, 2e-4
    start = time.perf_counter()
    for i in range(N // 100):
        x = data[i * 100:(i + 1) * 100]
        from_v = x @ W1
        mu1 = torch.sigmoid(2 * from_v + b1)
        mu2 = torch.sigmoid(mu1 @ W2 + b2)
        for _ in range(10):
            mu1 = torch.sigmoid(from_v + mu2 @ W2.T + b1)
            mu2 = torch.sigmoid(mu1 @ W2 + b2)
        for _ in range(5):
            p1 = torch.sigmoid(v @ W1 + h2 @ W2.T + b1)
            h1 = torch.bernoulli(p1, generator=g)
            p0 = torch.sigmoid(h1 @ W1.T + b0)
            v = torch.bernoulli(p0, generator=g)
            p2 = torch.sigmoid(h1 @ W2 + b2)
            h2 = torch.bernoulli(p2, generator=g)
        grads = [(x.T @ mu1 - p0.T @ h1) / 100, (mu1.T @ mu2 - h1.T @ p2) / 100,
                 (x - p0).mean(0), (mu1 - h1).mean(0), (mu2 - p2).mean(0)]
        for k, (p, vk, gk) in enumerate(zip(params, vel, grads)):
            if k < 2:
                gk = gk - wd * p
            vk.mul_(mom).add_(lr * gk)
            p.add_(vk)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
