#!/usr/bin/env bash
# How much `kindred forget --refit-items` moves the other users' lists, on MovieLens 100K.
#
# For each model: train on u.data, forget one user (FORGET_USER, default 1) without a refit (the other
# users' lists are unchanged by construction) and, on a second copy, with --refit-items (als / ials:
# one exact item half-step; mf-sgd / bpr: SgdItemRefit's item-side SGD epochs). Report the mean overlap
# of every remaining user's top-10 (seen items excluded) between the two, and the share of users whose
# top-10 is identical. All files are written to a temporary folder, never into the repository.
#
# Usage: kindred-bench/scripts/forget-refit-overlap.sh [DATASET_DIR]
# Environment: MODELS ("mf-sgd bpr ials als"), FORGET_USER (1), THREADS (2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:-$root/../shared/datasets/ml-100k}"
[ -f "$data/u.data" ] || { echo "forget-refit-overlap: $data/u.data not found" >&2; exit 2; }
models="${MODELS:-mf-sgd bpr ials als}"
user="${FORGET_USER:-1}"
threads="${THREADS:-2}"
work="$(mktemp -d "${TMPDIR:-/tmp}/forget-refit.XXXXXX")"
trap 'rm -rf "$work"' EXIT

lists() { # model file, data file -> JSON of every user's top 10
  "$root/kindred" recommend --model-file "$1" --train "$2" --format ml-100k --all --k 10 --threads "$threads" --json
}
printf '%-8s %-10s %-14s %-16s %-10s\n' model users top10_overlap identical_lists forget_wall_s
for m in $models; do
  implicit=(); case "$m" in ials | bpr) implicit=(--implicit) ;; esac
  cp "$data/u.data" "$work/plain.tsv"
  "$root/kindred" train --train "$work/plain.tsv" --format ml-100k ${implicit[@]+"${implicit[@]}"} --model "$m" \
    --threads "$threads" --seed 42 --quiet --out "$work/plain.model" > /dev/null
  cp "$work/plain.model" "$work/refit.model"
  cp "$work/plain.tsv" "$work/refit.tsv"
  "$root/kindred" forget --user "$user" --model-file "$work/plain.model" --data "$work/plain.tsv" --format ml-100k \
    --json > /dev/null
  start=$(date +%s.%N)
  "$root/kindred" forget --user "$user" --model-file "$work/refit.model" --data "$work/refit.tsv" --format ml-100k \
    ${implicit[@]+"${implicit[@]}"} --refit-items --threads "$threads" --json > /dev/null
  end=$(date +%s.%N)
  lists "$work/plain.model" "$work/plain.tsv" > "$work/plain.json"
  lists "$work/refit.model" "$work/refit.tsv" > "$work/refit.json"
  python3 - "$work/plain.json" "$work/refit.json" "$m" "$start" "$end" <<'PY'
import json, sys
a = {r["user"]: r["items"] for r in json.load(open(sys.argv[1]))["recommendations"]}
b = {r["user"]: r["items"] for r in json.load(open(sys.argv[2]))["recommendations"]}
users = sorted(set(a) & set(b))
overlap = sum(len(set(a[u]) & set(b[u])) / max(1, len(a[u])) for u in users) / len(users)
same = sum(a[u] == b[u] for u in users) / len(users)
print(f"{sys.argv[3]:<8} {len(users):<10} {overlap:<14.4f} {same:<16.4f} {float(sys.argv[5]) - float(sys.argv[4]):<10.2f}")
PY
done
