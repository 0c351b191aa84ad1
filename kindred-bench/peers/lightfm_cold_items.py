#!/usr/bin/env python3
"""Cold-start items (or users) on MovieLens 100K: LightFM 1.17 with side features, and the split files for Kindred.

usage: PYTHONPATH=<peers>/lightfm /usr/bin/python3 lightfm_cold_items.py ML100K_DIR OUT_DIR
           [--fraction 0.2] [--seed 42] [--epochs 15] [--threads 2] [--no-identity] [--k 20] [--side items|users]

--side users holds out users instead (`kindred evaluate --protocol cold-users`) and gives LightFM the user
features Kindred's ml-100k-user reader makes from u.user: age in 10 equal-frequency ranges, gender,
occupation (lower case), the first two characters of the zip code; the held-out users are ranked over
all items.

Holds out --fraction of the items that have ratings (numpy seed --seed) with all their ratings,
writes OUT_DIR/train.tsv and OUT_DIR/test.tsv (user<TAB>item<TAB>1, MovieLens ids) for
`kindred train` / `kindred evaluate --model-file --protocol cold-items`, then trains LightFM WARP
(64 components, lr 0.05) with the features Kindred's ml-100k-item reader makes: genre flags,
release year in 10 equal-frequency ranges, lower-case title tokens; rows normalised to sum 1
(with the identity feature unless --no-identity). Metrics rank only the held-out items, excluding
nothing else (held-out items have no training ratings): Recall@K and NDCG@K averaged over users
with test items, binary gains, as kindred-eval computes them.
"""
import argparse, os, re, sys, time
import numpy as np
import scipy.sparse as sp

ap = argparse.ArgumentParser()
ap.add_argument("ml100k"); ap.add_argument("out")
ap.add_argument("--fraction", type=float, default=0.2); ap.add_argument("--seed", type=int, default=42)
ap.add_argument("--epochs", type=int, default=15); ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--no-identity", action="store_true"); ap.add_argument("--k", type=int, default=20)
ap.add_argument("--side", choices=("items", "users"), default="items")
a = ap.parse_args()
from lightfm import LightFM

r = np.loadtxt(os.path.join(a.ml100k, "u.data"), dtype=np.int64)
users, items = r[:, 0], r[:, 1]
nU, nI = users.max(), items.max()  # ids are 1-based and dense
held_col = items if a.side == "items" else users
active = np.unique(held_col)
rng = np.random.default_rng(a.seed)
held = np.sort(rng.choice(active, int(round(a.fraction * len(active))), replace=False))
is_test = np.isin(held_col, held)
os.makedirs(a.out, exist_ok=True)
for name, m in (("train", ~is_test), ("test", is_test)):
    np.savetxt(os.path.join(a.out, name + ".tsv"), np.c_[users[m], items[m], np.ones(m.sum(), np.int64)],
               fmt="%d", delimiter="\t")

feats = {}
def fid(name):
    return feats.setdefault(name, len(feats))
def buckets(values):
    """(entity, value) pairs -> entity's range index: FeatureSpace's equal-frequency ranges (10)."""
    vs = np.sort([v for _, v in values])
    bounds = sorted(set(vs[(q * len(vs)) // 10] for q in range(1, 10)) - {vs[0]})
    return [(e, np.searchsorted(bounds, v, side="right")) for e, v in values]

if a.side == "items":
    # Item features as kindred-data's FeatureSpace builds them from u.item.
    rows = [l.rstrip("\n").split("|") for l in open(os.path.join(a.ml100k, "u.item"), encoding="latin-1")]
    nE, per = nI, [[] for _ in range(nI)]
    years = []
    for f in rows:
        i = int(f[0]) - 1
        m = re.match(r"^(.*?)\s*\((\d{4})\)\s*$", f[1])
        title = m.group(1) if m else f[1]
        for tok in sorted(set(t for t in re.split(r"[^\w]+", title.lower()) if t and t != "_")):
            per[i].append(fid("title=" + tok))
        for g, flag in enumerate(f[5:24]):
            if flag == "1":
                per[i].append(fid("genre=%d" % g))
        if len(f[2]) >= 4:
            years.append((i, float(f[2][-4:])))
    for i, b in buckets(years):
        per[i].append(fid("year#%d" % b))
else:
    # User features as kindred-data's ml-100k-user reader and FeatureSpace build them from u.user.
    rows = [l.rstrip("\n").split("|") for l in open(os.path.join(a.ml100k, "u.user"), encoding="latin-1")]
    nE, per = nU, [[] for _ in range(nU)]
    for f in rows:
        u = int(f[0]) - 1
        per[u] += [fid("gender=" + f[2].strip()), fid("occupation=" + f[3].strip().lower()),
                   fid("zip=" + f[4].strip()[:2].upper())]
    for u, b in buckets([(int(f[0]) - 1, float(f[1])) for f in rows]):
        per[u].append(fid("age#%d" % b))
nF = len(feats)
base = 0 if a.no_identity else nE
data, ri, ci = [], [], []
for e in range(nE):
    cols = ([] if a.no_identity else [e]) + [base + c for c in per[e]]
    for c in cols:
        ri.append(e); ci.append(c); data.append(1.0 / max(1, len(cols)))
F = sp.csr_matrix((data, (ri, ci)), shape=(nE, base + nF), dtype=np.float32)
side_kw = {"item_features": F} if a.side == "items" else {"user_features": F}

tr = ~is_test
UI = sp.coo_matrix((np.ones(tr.sum(), np.float32), (users[tr] - 1, items[tr] - 1)), shape=(nU, nI))
model = LightFM(no_components=64, loss="warp", learning_rate=0.05, random_state=a.seed)
t0 = time.time()
model.fit(UI, epochs=a.epochs, num_threads=a.threads, **side_kw)
fit_s = time.time() - t0

# Cold items are ranked among the held-out items; cold users over all items.
cand = held - 1 if a.side == "items" else np.arange(nI)
test_u = users[is_test] - 1
test_i = items[is_test] - 1
rel = {}
for u, i in zip(test_u, test_i):
    rel.setdefault(u, set()).add(i)
recall = ndcg = 0.0
for u, rs in rel.items():
    s = model.predict(np.full(len(cand), u, np.int32), cand.astype(np.int32), num_threads=a.threads, **side_kw)
    top = cand[np.argsort(-s, kind="stable")[: a.k]]
    hits = np.array([t in rs for t in top], dtype=float)
    recall += hits.sum() / len(rs)
    dcg = (hits / np.log2(np.arange(2, len(top) + 2))).sum()
    ideal = (1 / np.log2(np.arange(2, min(a.k, len(rs)) + 2))).sum()
    ndcg += dcg / ideal
n = len(rel)
print("lightfm cold-%s held=%d features=%d identity=%s epochs=%d fit_s=%.2f users=%d recall@%d=%.4f ndcg@%d=%.4f"
      % (a.side, len(held), nF, not a.no_identity, a.epochs, fit_s, n, a.k, recall / n, a.k, ndcg / n))
