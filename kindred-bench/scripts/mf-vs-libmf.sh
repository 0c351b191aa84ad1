#!/usr/bin/env bash
# Side-by-side: kindred train (mf-sgd) vs LibMF mf-train on the same generated 10M-rating set,
# k=64, 2 threads, 20 epochs. Whole-process wall time, then test RMSE of both models.
#
# LibMF is not part of Kindred: build cjlin1/libmf yourself outside this repository and point
# LIBMF_DIR at the folder holding mf-train and mf-predict.
# Usage: LIBMF_DIR=/path/to/libmf kindred-bench/scripts/mf-vs-libmf.sh [WORKDIR] [REPEATS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
libmf="${LIBMF_DIR:?set LIBMF_DIR to the folder holding the LibMF binaries mf-train and mf-predict}"
work="${1:-/tmp/kindred-mf-vs-libmf}"
repeats="${2:-3}"
mkdir -p "$work"
cd "$work"
k="$root/kindred"
"$k" --version >/dev/null # build before timing anything

if [ ! -f train.txt ]; then
  "$k" generate --users 150000 --items 30000 --interactions 10000000 --seed 2026 --out all.tsv >/dev/null
  # 80/20 random split; both tools read the same space-separated "user item rating" files.
  awk -v seed=7 'BEGIN{srand(seed)} {if (rand() < 0.2) print $1" "$2" "$3 > "test.txt"; else print $1" "$2" "$3 > "train.txt"}' all.tsv
fi
echo "train: $(wc -l < train.txt) ratings, test: $(wc -l < test.txt) ratings"

kflags=(--columns user=0,item=1,rating=2 --delimiter space --factors 64 --epochs 20 --threads 2
        --learning-rate 0.03 --regularization 0.05 --lr-decay 0.95 --init-std 0.1)
wall() { /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1; }
for r in $(seq 1 "$repeats"); do
  l=$(wall "$libmf/mf-train" -k 64 -t 20 -s 2 --quiet train.txt libmf.model)
  kk=$(wall "$k" train --train train.txt "${kflags[@]}" --out kindred.model --quiet)
  ratio=$(awk -v a="$kk" -v b="$l" 'BEGIN { printf "%.2f", a / b }')
  echo "run $r: libmf ${l}s  kindred ${kk}s  ratio $ratio"
done
# Fixed costs: one epoch each, so (wall(20) - wall(1)) / 19 estimates the time per epoch.
l1=$(wall "$libmf/mf-train" -k 64 -t 1 -s 2 --quiet train.txt libmf1.model)
k1=$(wall "$k" train --train train.txt "${kflags[@]}" --epochs 1 --out kindred1.model --quiet)
echo "one epoch: libmf ${l1}s  kindred ${k1}s (whole process)"
echo "kindred per-epoch (from its own timer):"
"$k" train --train train.txt "${kflags[@]}" --out kindred.model 2>&1 >/dev/null | grep -E 'epoch (10|20)/'
echo "libmf test $("$libmf/mf-predict" test.txt libmf.model libmf.out | tail -1)"
echo "kindred test $("$k" evaluate --model-file kindred.model --test test.txt --columns user=0,item=1,rating=2 --delimiter space --json | sed -n 's/.*\("rmse":[0-9.]*\).*/\1/p')"
