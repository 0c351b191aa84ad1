#!/usr/bin/env bash
# Warm start (train --init-from) against a full retrain on MovieLens 100K split by time.
#
# Protocol: order u.data by timestamp; day 0 is the first event's day. The first model is trained
# from scratch on every event before START_DAY. Then, period by period (PERIOD_DAYS days each; 7 by
# default because single days hold only 3-13 returning users, too few for a stable Recall@20):
#   train set  = every event up to the end of the period (cumulative),
#   test set   = the next period's events whose user and item are in the train set
#                (returning users; a model cannot rank for users or items it has never seen),
#   full       = train from scratch for FULL_EPOCHS (the model's default schedule),
#   warm(e)    = train for e epochs starting from last period's warm model (--init-from), e = 1, 2, ...
# and report the smallest e whose Recall@20 on the test set reaches the full retrain's. The chain
# carries the warm model trained for WARM_EPOCHS (default FULL_EPOCHS / 2) into the next period, so
# a warm model never sees a full retrain's factors after the first period.
#
# Usage: kindred-bench/scripts/warm-start-daily.sh [DATASET_DIR]
# Environment: MODEL (ials), FULL_EPOCHS (15), WARM_EPOCHS (FULL_EPOCHS/2), START_DAY (140),
#   PERIOD_DAYS (7), THREADS (2), MODEL_FLAGS (extra train flags, e.g. "--factors 64").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:-$root/../shared/datasets/ml-100k}"
[ -f "$data/u.data" ] || { echo "warm-start-daily: $data/u.data not found" >&2; exit 2; }
model="${MODEL:-ials}"
full="${FULL_EPOCHS:-15}"
warm="${WARM_EPOCHS:-$((full / 2))}"
start="${START_DAY:-140}"
period="${PERIOD_DAYS:-7}"
threads="${THREADS:-2}"
read -r -a extra <<< "${MODEL_FLAGS:-}"
work="$(mktemp -d "${TMPDIR:-/tmp}/warm-start.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Slices (written outside the repository; MovieLens data is never copied into it).
periods=$(python3 - "$data/u.data" "$work" "$start" "$period" <<'PY'
import sys
src, out, start, period = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rows = [l.rstrip('\n').split('\t') for l in open(src)]
rows.sort(key=lambda r: int(r[3]))
t0 = int(rows[0][3])
day = lambda r: (int(r[3]) - t0) // 86400
last = max(day(r) for r in rows)
ends = [start]
while ends[-1] <= last:
    ends.append(ends[-1] + period)
# Period n trains on day < ends[n] and tests on ends[n] <= day < ends[n + 1]; the last test period may be short.
n_periods = len(ends) - 1
for n in range(n_periods):
    train = [r for r in rows if day(r) < ends[n]]
    users = {r[0] for r in train}
    items = {r[1] for r in train}
    nxt = [r for r in rows if ends[n] <= day(r) < ends[n + 1]]
    test = [r for r in nxt if r[0] in users and r[1] in items]
    with open(f"{out}/train.{n}.tsv", "w") as f:
        f.writelines('\t'.join(r) + '\n' for r in train)
    with open(f"{out}/test.{n}.tsv", "w") as f:
        f.writelines('\t'.join(r) + '\n' for r in test)
    with open(f"{out}/counts.{n}", "w") as f:
        f.write(f"{ends[n]} {len(train)} {len(nxt)} {len(test)} {len({r[0] for r in test})}\n")
print(n_periods)
PY
)

# kindred train ... --json: prints "recall@20 train_seconds".
run() {
  "$root/kindred" train --format ml-100k --implicit --model "$model" --threads "$threads" --seed 42 --k 20 \
    ${extra[@]+"${extra[@]}"} --json --quiet "$@" \
    | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["recall@20"], j["train_seconds"])'
}

echo "model $model, full retrain $full epochs, warm chain $warm epochs, periods of $period days from day $start"
printf '%-6s %-5s %-8s %-12s %-11s %-10s %-10s %-9s %-9s %-12s %-11s\n' period day train next_events test_events \
  test_users full_r@20 full_s warm_r@20 warm_epochs warm_s
# Period 0 (every event before START_DAY) is trained from scratch: the first link of the warm chain.
"$root/kindred" train --train "$work/train.0.tsv" --format ml-100k --implicit --model "$model" --threads "$threads" \
  --seed 42 --epochs "$full" ${extra[@]+"${extra[@]}"} --quiet --out "$work/chain.model" > /dev/null
sum_full=0; sum_needed=0
for ((n = 1; n < periods; n++)); do
  read -r dayn trainn nextn testn usersn < "$work/counts.$n"
  [ "$testn" -gt 0 ] || continue
  read -r rf sf < <(run --train "$work/train.$n.tsv" --test "$work/test.$n.tsv" --epochs "$full")
  needed=""; rw=""; sw=""
  for ((e = 1; e <= full; e++)); do
    read -r r s < <(run --train "$work/train.$n.tsv" --test "$work/test.$n.tsv" --epochs "$e" \
      --init-from "$work/chain.model" --out "$work/warm.$e.model")
    if [ -z "$needed" ] && awk -v a="$r" -v b="$rf" 'BEGIN{exit !(a >= b)}'; then
      needed=$e; rw=$(printf '%.4f' "$r"); sw=$(printf '%.2f' "$s")
    fi
    [ -n "$needed" ] && [ "$e" -ge "$warm" ] && break
  done
  mv "$work/warm.$warm.model" "$work/chain.model"
  rm -f "$work"/warm.*.model
  printf '%-6s %-5s %-8s %-12s %-11s %-10s %-10.4f %-9.2f %-9s %-12s %-11s\n' "$n" "$dayn" "$trainn" "$nextn" \
    "$testn" "$usersn" \
    "$rf" "$sf" "${rw:--}" "${needed:->$full}" "${sw:--}"
  sum_full=$((sum_full + full)); sum_needed=$((sum_needed + ${needed:-$((full + 1))}))
done
echo "epochs: full retrains $sum_full, warm starts to reach them $sum_needed"
