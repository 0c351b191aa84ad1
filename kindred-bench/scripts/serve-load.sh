#!/usr/bin/env bash
# End-to-end serving measurement: generate a data set, train a latent-factor model, start
# `kindred serve` on 127.0.0.1 (free port, durable event log), then measure with
# dev.kindred.bench.serve.LoadGenerator:
#   1. generator overhead: open-loop load on the trivial GET /healthz,
#   2. open-loop recommendation load (GET /v1/users/{u}/recommendations, users drawn Zipf),
#   3. event reflection: POST an event for a user's top item, poll until the list reflects it.
# Then stops the server. Everything printed is also written to $SERVE_LOAD_DIR/serve-load.txt.
#
# Parameters (environment, defaults in brackets):
#   USERS [50000] ITEMS [100000] INTERACTIONS [2000000]  generated implicit data set (~96k items occur)
#   MODEL [ials] FACTORS [64] EPOCHS [3] TRAIN_THREADS [2]   the trained model
#   RATE [1000] DURATION [60] WARMUP [10] SENDERS [8] K [10] ZIPF [1.0] EVENT_FRACTION [0]
#   HEALTHZ_DURATION [20] (0 skips the overhead run)  REFLECT_USERS [200] REFLECT_WARMUP [100]
#   RETRIEVAL [exact] (passed as --retrieval only if `kindred serve` has that flag)
#   EXPLAIN [0]  1: after the load, alternate plain and ?explain=true list loads (twice each) to
#              measure what explanations add per request
#   SWAPS [0]  hot swaps during the recommendation load: a second model (same data, seed 2) is
#              trained once, and POST /v1/admin/model alternates the two files SWAPS times, evenly
#              spread over DURATION; the load generator's error count is the check (none may fail)
#   SERVE_GC [-XX:+UseZGC, as the kindred launcher starts serve] the server's collector flag
#   SERVE_HEAP [4g] GEN_HEAP [1g]  SERVE_LOAD_DIR [a new temp dir]  KINDRED [./kindred]
#   KINDRED_JAR [kindred-cli/target/kindred.jar] (the server JVM runs this jar directly)
#   BENCH_CLASSES [kindred-bench/target/classes, built when stale] (set: use these classes, no build)
# kindred-bench is built (under its build lock) when its classes or classpath are missing or stale;
# kindred-math, -core, -data, -train and -eval must be installed in the local repository.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/kindred-bench/scripts/wait-for-server.sh"
bench="$root/kindred-bench"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
kindred="${KINDRED:-$root/kindred}"
USERS="${USERS:-50000}" ITEMS="${ITEMS:-100000}" INTERACTIONS="${INTERACTIONS:-2000000}"
MODEL="${MODEL:-ials}" FACTORS="${FACTORS:-64}" EPOCHS="${EPOCHS:-3}" TRAIN_THREADS="${TRAIN_THREADS:-2}"
RATE="${RATE:-1000}" DURATION="${DURATION:-60}" WARMUP="${WARMUP:-10}" SENDERS="${SENDERS:-8}" K="${K:-10}"
ZIPF="${ZIPF:-1.0}" EVENT_FRACTION="${EVENT_FRACTION:-0}" HEALTHZ_DURATION="${HEALTHZ_DURATION:-20}"
REFLECT_USERS="${REFLECT_USERS:-200}" REFLECT_WARMUP="${REFLECT_WARMUP:-100}" RETRIEVAL="${RETRIEVAL:-exact}"
dir="${SERVE_LOAD_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/serve-load.XXXXXX")}"
mkdir -p "$dir"
out="$dir/serve-load.txt"
: >"$out"
say() { echo "$@" | tee -a "$out"; }
run() { say "\$ $*"; "$@" 2>&1 | tee -a "$out"; }

classes="${BENCH_CLASSES:-$bench/target/classes}"
if [ -z "${BENCH_CLASSES:-}" ] && { [ ! -f "$bench/target/classpath.txt" ] \
   || [ ! -f "$bench/target/classes/dev/kindred/bench/serve/LoadGenerator.class" ] \
   || [ -n "$(find "$bench/src" "$bench/pom.xml" -newer "$bench/target/classpath.txt" -print -quit)" ]; }; then
  (cd "$root" && flock /tmp/kb-kindred-bench.lock mvn -q -pl kindred-bench package -DskipTests)
fi
gen=("$JAVA_HOME/bin/java" "-Xmx${GEN_HEAP:-1g}" -cp "$classes:$(cat "$bench/target/classpath.txt")"
     dev.kindred.bench.serve.LoadGenerator)
loadgen() { say "\$ java -cp <kindred-bench classes + classpath.txt> dev.kindred.bench.serve.LoadGenerator $*"; "${gen[@]}" "$@" 2>&1 | tee -a "$out"; }

say "== serve-load $(date -u +%FT%TZ) on $(nproc) cores ($(uname -m)); work dir $dir"
data="$dir/data.tsv"
model="$dir/model.kdm"
if [ ! -f "$data" ]; then
  run "$kindred" generate --users "$USERS" --items "$ITEMS" --interactions "$INTERACTIONS" --implicit --seed 42 --out "$data"
fi
if [ ! -f "$model" ]; then
  run "$kindred" train --train "$data" --model "$MODEL" --factors "$FACTORS" --epochs "$EPOCHS" --threads "$TRAIN_THREADS" \
    --seed 1 --out "$model"
fi

SWAPS="${SWAPS:-0}"
model2="$dir/model-seed2.kdm"
if [ "$SWAPS" != "0" ] && [ ! -f "$model2" ]; then
  run "$kindred" train --train "$data" --model "$MODEL" --factors "$FACTORS" --epochs "$EPOCHS" --threads "$TRAIN_THREADS" \
    --seed 2 --out "$model2"
fi
token="serve-load-admin-token-$$-$RANDOM"
serve=(serve --model-file "$model" --train "$data" --port 0 --events "$dir/events.log" --fsync always)
[ "$SWAPS" != "0" ] && serve+=(--admin-token "$token")
if "$kindred" serve --help 2>&1 | grep -q -- '--retrieval'; then
  serve+=(--retrieval "$RETRIEVAL")
else
  say "(kindred serve has no --retrieval flag: exact retrieval is the only kind)"
fi
rm -f "$dir/events.log"
# The server runs as a direct child (not through the kindred script's stderr filter) so that its
# pid is ours to stop; the jar is the one `$kindred` just built or found fresh.
jar="${KINDRED_JAR:-$root/kindred-cli/target/kindred.jar}"
serve_java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
            ${SERVE_GC:--XX:+UseZGC} "-Xmx${SERVE_HEAP:-4g}" -jar "$jar")
say "\$ ${serve_java[*]} ${serve[*]}"
: >"$dir/serve.err" # exists before the background redirect opens it: the port poll below reads it at once
"${serve_java[@]}" "${serve[@]}" 2>"$dir/serve.err" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
wait_for_server "$dir/serve.err" "$server" serve-load 600 0.5
url="http://127.0.0.1:$port"
say "server ready at $url: $(curl -s "$url/readyz")"

if [ "$HEALTHZ_DURATION" != "0" ]; then
  say "-- generator overhead: GET /healthz"
  loadgen --url "$url" --endpoint healthz --rate "$RATE" --duration "$HEALTHZ_DURATION" --warmup 5 --threads "$SENDERS"
fi
say "-- recommendation load${SWAPS:+ with $SWAPS hot swaps}"
if [ "$SWAPS" = "0" ]; then
  loadgen --url "$url" --users-file "$data" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" \
    --threads "$SENDERS" --k "$K" --zipf "$ZIPF" --event-fraction "$EVENT_FRACTION"
else
  loadgen --url "$url" --users-file "$data" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" \
    --threads "$SENDERS" --k "$K" --zipf "$ZIPF" --event-fraction "$EVENT_FRACTION" &
  gen_pid=$!
  sleep "$WARMUP"
  gap=$(awk -v d="$DURATION" -v n="$SWAPS" 'BEGIN { printf "%.3f", d / (n + 1) }')
  for s in $(seq 1 "$SWAPS"); do
    sleep "$gap"
    file="$model2"; [ $((s % 2)) = 0 ] && file="$model"
    say "swap $s -> $(basename "$file"): $(curl -s -X POST -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d "{\"path\": \"$file\"}" "$url/v1/admin/model")"
  done
  wait "$gen_pid"
fi
if [ "${EXPLAIN:-0}" = "1" ]; then
  # Side by side on the same server, same users and schedule: the plain list, then with explain=true.
  for ep in recommend recommend-explain recommend recommend-explain; do
    say "-- $ep (explain cost: compare the two endpoints' service times)"
    loadgen --url "$url" --users-file "$data" --endpoint "$ep" --rate "$RATE" --duration "$DURATION" \
      --warmup "$WARMUP" --threads "$SENDERS" --k "$K" --zipf "$ZIPF"
  done
fi
say "-- event reflection"
loadgen --url "$url" --users-file "$data" --mode reflect --reflect-users "$REFLECT_USERS" \
  --reflect-warmup "$REFLECT_WARMUP" --k "$K"
say "server RSS at the end: $(ps -o rss= -p "$server" | awk '{printf "%.0f MB", $1/1024}')"
say "output: $out"
