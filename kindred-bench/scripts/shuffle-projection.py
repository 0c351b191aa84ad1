#!/usr/bin/env python3
"""Paper projection of distributed iALS shuffle bytes per iteration (docs/distributed.md, "Shuffle volume").

Model (validated on the test cluster by ShuffleVolume to 0.5%): bytes/iteration = 4 k R, where
R = sum over user blocks of distinct items rated there + sum over item blocks of distinct users.
A block holding n interactions drawn with probabilities p_j touches E[distinct] = sum_j (1 - exp(-n p_j))
rows. Assumptions: Zipf popularity (items exponent 1.0, user activity 0.5, SyntheticGenerator's
defaults), user and item drawn independently, blocks by id mod B (ids in popularity order).
Needs numpy; takes about 3 minutes (2 cores).
"""
import numpy as np

NNZ, K, EXECUTORS = 1e9, 64, 100


def zipf(n, s):
    w = 1.0 / np.arange(1, n + 1) ** s
    return w / w.sum()


def distinct(n, probs):
    return np.sum(-np.expm1(-n * probs))


for users, items in [(50_000_000, 5_000_000), (10_000_000, 1_000_000)]:
    pu, pi = zipf(users, 0.5), zipf(items, 1.0)
    for bu, bi in [(100, 100), (100, 20), (400, 400)]:
        r_user = bu * distinct(NNZ / bu, pi)
        shares = [pi[c::bi].sum() for c in range(bi)]
        r_item = sum(distinct(NNZ * s, pu) for s in shares)
        total = 4 * K * (r_user + r_item)
        print(f"{users:,} x {items:,}, blocks ({bu}, {bi}): R user {r_user / 1e6:.0f}M, R item {r_item / 1e6:.0f}M,"
              f" {total / 1e9:.0f} GB/iteration, {total / EXECUTORS / 1e9:.2f} GB per executor;"
              f" bounds {min(NNZ, bu * items) / 1e6:.0f}M, {min(NNZ, bi * users) / 1e6:.0f}M rows")
