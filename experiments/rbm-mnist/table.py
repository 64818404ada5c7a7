#!/usr/bin/env python3
"""Print the RESULTS.md table from results/*.json and results/*.metrics.jsonl
(standard library only):  python3 experiments/rbm-mnist/table.py"""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
desc = {"cd1": "CD-1", "cd3": "CD-3", "pcd1": "PCD-1", "pcd1-wd": "PCD-1, weight decay 3e-4", "pcd1-wd6": "PCD-1, weight decay 6e-4",
        "pcd1-wd-fast": "pcd1-wd on the sparse trainer", "pcd1-wd-dyn": "pcd1-wd, dynamic binarisation, 59,000 images",
        "pcd1-wd-dyn-s2": "pcd1-wd-dyn, seed 2", "pcd1-dyn300": "pcd1-wd-dyn, 300 epochs", "pcd5-dyn100": "pcd1-wd-dyn with PCD-5, 100 epochs",
        "pcd5-dyn100-s2": "pcd5-dyn100, seed 2",
        "cd1-full": "cd1 on all 60,000 images", "cd3-full": "cd3 on all 60,000 images",
        "pcd5-full": "pcd5-dyn100 on all 60,000 images"}
paper = {n: ("CD25(500)", -86.34) for n in desc}
paper.update({"cd1": ("CD1(500)", -125.53), "cd3": ("CD3(500)", -105.50), "cd1-full": ("CD1(500)", -125.53), "cd3-full": ("CD3(500)", -105.50)})
names = [n for n in sys.argv[1:]] or list(desc)
print("| run | training | epochs | train time (s) | log Z (±3σ) | test LL (nats) | train LL | RAISE / AIS on 100 test images | AIS time (s) | paper's row |")
print("|---|---|---|---|---|---|---|---|---|---|")
for n in names:
    path = os.path.join(here, "results", n + ".json")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        continue
    r = json.load(open(path))
    ms = [json.loads(l) for l in open(os.path.join(here, "results", n + ".metrics.jsonl")) if l.strip()]
    secs = sum(m["train_seconds"] for m in ms)
    lo = r["log_z_lo"]
    z = f'{r["log_z"]:.2f} ({lo:.2f} … {r["log_z_hi"]:.2f})' if lo is not None else f'{r["log_z"]:.2f} (open … {r["log_z_hi"]:.2f})'
    cfg = desc[n]
    row, val = paper[n]
    print(f'| {n} | {cfg} | {len(ms)} | {secs:.0f} | {z} | **{r["test_ll"]:.2f}** ({r["test_ll_lo"]:.2f} …) | {r["train_ll"]:.2f} '
          f'| {r["test_ll_raise"]:.2f} / {r["test_ll_ais_same_images"]:.2f} | {r["ais_seconds"]:.0f} | {row}: {val} |')
