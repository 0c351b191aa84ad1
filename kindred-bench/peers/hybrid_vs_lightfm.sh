#!/usr/bin/env bash
# Side by side: LightFM 1.17 WARP (the peers' lightfm_bench.py) and kindred's hybrid WARP on the same
# split, alternated REPS times in one run (the machine is shared: compare ratios within a rep).
# usage: PEERS=<peers folder> KINDRED=<worktree> hybrid_vs_lightfm.sh NAME TRAIN TEST REPS [EPOCHS]
#   TRAIN/TEST: "user item rating" lines, 0-based ids, whitespace-separated (the peers' protocol).
# Both: 64 components, WARP, lr 0.05, max_sampled 10, no L2, 2 threads, seed = rep.
# LightFM's per-epoch times are wall times of fit_partial(epochs=1); kindred's come from the
# trainer's per-epoch debug log (wall time of each epoch inside one fit call).
set -euo pipefail
name=$1; train=$2; test=$3; reps=$4; ep=${5:-15}
: "${PEERS:?set PEERS to the folder holding the built lightfm}"; : "${KINDRED:?set KINDRED to the kindred worktree}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tr ' ' '\t' < "$train" > "$tmp/train.tsv"; tr ' ' '\t' < "$test" > "$tmp/test.tsv"
harness=/work/shared/peers/lightfm_bench.py
for r in $(seq 1 "$reps"); do
  echo "== $name rep $r load $(cut -d' ' -f1-3 /proc/loadavg)"
  PYTHONPATH="$PEERS/lightfm" /usr/bin/python3 "$harness" "$train" "$test" --loss warp --components 64 \
    --epochs "$ep" --threads 2 --lr 0.05 --seed "$r" | grep -E "per_epoch|NDCG" | tr '\n' ' '; echo
  KINDRED_JAVA_OPTS="-Dorg.slf4j.simpleLogger.log.dev.kindred.train.hybrid=debug" "$KINDRED/kindred" train \
    --train "$tmp/train.tsv" --test "$tmp/test.tsv" --implicit --model hybrid --loss warp --factors 64 --epochs "$ep" \
    --learning-rate 0.05 --max-sampled 10 --threads 2 --seed "$r" --json 2>"$tmp/log" >"$tmp/out.json"
  python3 - "$tmp/out.json" "$tmp/log" "$ep" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1])); ep = int(sys.argv[3])
t = [float(x) for x in re.findall(r"hybrid epoch \d+/\d+: ([0-9.]+) s", open(sys.argv[2]).read())]
rest = t[1:] if len(t) > 1 else t
print("kindred train_s=%.3f per_epoch_s=%.4f (min %.3f, max %.3f, epoch 1 %.3f, epochs 2+ mean %.4f) "
      "P@10=%.4f R@10=%.4f NDCG@10=%.4f" % (d["train_seconds"], d["train_seconds"] / ep, min(t), max(t), t[0],
      sum(rest) / len(rest), d["precision@10"], d["recall@10"], d["ndcg@10"]))
PY
done
