#!/usr/bin/env bash
# POST /v1/items latency as the catalogue grows: ML-100K (u.data, with u.item's genres, year and
# title as item features) trained once as a hybrid model (the model that writes MODEL.features), then for each jar of JARS a server
# (`kindred serve --item-log`, admin token, durable event log) takes ITEMS_TO_POST new items one
# after the other (each POST waits for the previous answer), each timed by curl from request to
# answer. Prints the latency of the 1st, 10th, 100th and last item and the median of the last 100,
# one line per jar: jars measured one after the other in one run are the side-by-side comparison
# (e.g. the jar of main against this tree's). After the posts, the last posted item is checked:
# an event on it is accepted as on a known item, and it is listed when given as a candidate.
# Everything printed is also written to $POST_ITEMS_DIR/post-items.txt.
#
# Parameters (environment, defaults in brackets):
#   ITEMS_TO_POST [1000] FACTORS [64] EPOCHS [the model's default] DATASETS [/work/shared/datasets, or ../shared/datasets]
#   JARS [this tree's kindred-cli/target/kindred.jar] as LABEL=PATH words, e.g. "before=/tmp/a.jar after=/tmp/b.jar"
#   MODEL [hybrid] SERVE_HEAP [2g] POST_ITEMS_DIR [a new temp dir] KINDRED [./kindred]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/kindred-bench/scripts/wait-for-server.sh"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
kindred="${KINDRED:-$root/kindred}"
ITEMS_TO_POST="${ITEMS_TO_POST:-1000}" FACTORS="${FACTORS:-64}" MODEL="${MODEL:-hybrid}"
epochs=()
[ -z "${EPOCHS:-}" ] || epochs=(--epochs "$EPOCHS")
datasets="${DATASETS:-/work/shared/datasets}"
[ -d "$datasets" ] || datasets="$root/../shared/datasets"
ml="$datasets/ml-100k"
[ -f "$ml/u.data" ] || { echo "post-items: $ml/u.data not found (set DATASETS)" >&2; exit 1; }
dir="${POST_ITEMS_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/post-items.XXXXXX")}"
mkdir -p "$dir"
out="$dir/post-items.txt"
: >"$out"
say() { echo "$@" | tee -a "$out"; }
run() { say "\$ $*"; "$@" 2>&1 | tee -a "$out"; }
"$kindred" --version >/dev/null # builds the CLI jar when stale
JARS="${JARS:-this-tree=$root/kindred-cli/target/kindred.jar}"

say "== post-items $(date -u +%FT%TZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); work dir $dir"
model="$dir/model.kdm"
[ -f "$model" ] || run "$kindred" train --train "$ml/u.data" --format ml-100k --model "$MODEL" \
  --item-features "$ml/u.item" --features-format ml-100k-item --factors "$FACTORS" "${epochs[@]}" \
  --threads 2 --seed 1 --out "$model"
token="post-items-admin-token-0123456789"
genres=(Action Adventure Animation Comedy Crime Documentary Drama Fantasy Horror Musical Mystery Romance Sci-Fi \
  Thriller War Western)

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
summaries=()
for spec in $JARS; do
  label="${spec%%=*}" jar="${spec#*=}"
  rm -f "$dir/items-$label.log" "$dir/events-$label.log"
  serve=(serve --model-file "$model" --port 0 --item-log "$dir/items-$label.log" --events "$dir/events-$label.log"
    --fsync always --admin-token "$token")
  say "-- $label: java -jar $jar ${serve[*]}"
  : >"$dir/serve-$label.err"
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED "-Xmx${SERVE_HEAP:-2g}" \
    -jar "$jar" "${serve[@]}" 2>"$dir/serve-$label.err" &
  server=$!
  pids+=($server)
  wait_for_server "$dir/serve-$label.err" "$server" post-items 600 0.5
  url="http://127.0.0.1:$port"
  times="$dir/times-$label.txt"
  : >"$times"
  for n in $(seq 1 "$ITEMS_TO_POST"); do
    g1="${genres[$((n % ${#genres[@]}))]}" g2="${genres[$(((n * 7 + 3) % ${#genres[@]}))]}"
    body="{\"item\": \"posted-$n\", \"features\": {\"genre\": [\"$g1\", \"$g2\"], \"year\": $((1950 + n % 48)), \"title\": \"Posted Film $n\"}}"
    curl -s -o "$dir/last-answer.json" -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d "$body" "$url/v1/items" >>"$times"
  done
  bad="$(awk '$1 != 200' "$times" | wc -l)"
  [ "$bad" = 0 ] || { say "$label: $bad posts failed; last answer: $(cat "$dir/last-answer.json")"; }
  at() { awk -v n="$1" 'NR == n { printf "%.2f", $2 * 1000 }' "$times"; }
  median_last=$(tail -100 "$times" | awk '{print $2}' | sort -g | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)] * 1000}')
  last="posted-$ITEMS_TO_POST"
  say "$label: event on $last: $(curl -s -H 'Content-Type: application/json' \
    -d "{\"user\": \"1\", \"item\": \"$last\"}" "$url/v1/events")"
  say "$label: user 2 with $last and 1 as candidates: $(curl -s -H 'Content-Type: application/json' \
    -d "{\"user\": \"2\", \"candidates\": [\"$last\", \"1\"], \"k\": 2}" "$url/v1/recommend")"
  summaries+=("$label: POST /v1/items ms: 1st $(at 1), 10th $(at 10), 100th $(at 100), ${ITEMS_TO_POST}th $(at "$ITEMS_TO_POST"), median of the last 100 $median_last ($bad failed)")
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
done
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
for line in "${summaries[@]}"; do say "$line"; done
