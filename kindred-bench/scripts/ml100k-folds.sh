#!/usr/bin/env bash
# MovieLens 100K official folds u1..u5: train on uN.base, evaluate RMSE on uN.test, print the mean.
# Usage: kindred-bench/scripts/ml100k-folds.sh [DATASET_DIR] [extra kindred train flags...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:-$root/../shared/datasets/ml-100k}"
shift || true
[ -f "$data/u1.base" ] || { echo "ml100k-folds: $data/u1.base not found" >&2; exit 2; }
flags=(--factors 128 --epochs 100 --learning-rate 0.015 --lr-decay 0.96 --regularization 0.09
       --bias-regularization 0.01 --init-std 0.03 --threads 2 --seed 42)
sum=0
for f in 1 2 3 4 5; do
  json=$("$root/kindred" train --train "$data/u$f.base" --test "$data/u$f.test" --format ml-100k \
    "${flags[@]}" "$@" --json --quiet)
  rmse=$(printf '%s' "$json" | sed -n 's/.*"rmse":\([0-9.]*\).*/\1/p')
  secs=$(printf '%s' "$json" | sed -n 's/.*"train_seconds":\([0-9.]*\).*/\1/p')
  printf 'u%d  rmse %.4f  train_seconds %.2f\n' "$f" "$rmse" "$secs"
  sum=$(awk -v a="$sum" -v b="$rmse" 'BEGIN{print a+b}')
done
awk -v s="$sum" 'BEGIN{printf "mean rmse over 5 folds: %.4f\n", s/5}'
