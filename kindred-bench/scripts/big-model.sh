#!/usr/bin/env bash
# A model of USERS x FACTORS parameters (issue 13's acceptance: 50M users x 64 = 3.2 billion) end to
# end on one machine: generate implicit interactions, train ials for ITERATIONS iteration(s) and write
# the model in PRECISION (bf16: half the bytes), then start `kindred serve` on it and record
#   - the training run's peak RSS and wall time (GNU time), the model file's size,
#   - seconds from starting the server JVM to its first 200 on /readyz (JVM start included; the
#     factor sections are mapped, not read, and verified in the background),
#   - open-loop top-K load (kindred-bench's LoadGenerator, GET /v1/users/{u}/recommendations) at RATE
#     requests/s, users drawn uniformly from a random sample of SAMPLE of the data's rows (uniform,
#     not Zipf: every request touches a cold user row in the mapping),
#   - the server's RSS after the load.
# Everything printed also goes to $BIG_DIR/big-model.txt.
#
# Parameters (environment, defaults in brackets):
#   USERS [50000000] ITEMS [100000] INTERACTIONS [100000000] FACTORS [64] ITERATIONS [1] THREADS [2]
#   PRECISION [bf16] USER_STORAGE [fp32; bf16 holds the users in 16 bits while training] GEN_HEAP [4g]
#   TRAIN_HEAP [20g] SERVE_HEAP [2g] RATE [200] DURATION [60] WARMUP [10] SENDERS [8]
#   K [10] SAMPLE [200000] BIG_DIR [/tmp/kindred-big] REUSE_MODEL [0: train; 1: serve the model file already
#   in BIG_DIR, to measure opening and serving again without training]
# The LoadGenerator classes are compiled with javac against the CLI jar (which carries Jackson and
# HdrHistogram), so kindred-bench and its Spark dependencies need not be built.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/kindred-bench/scripts/wait-for-server.sh"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
USERS="${USERS:-50000000}" ITEMS="${ITEMS:-100000}" INTERACTIONS="${INTERACTIONS:-100000000}"
FACTORS="${FACTORS:-64}" ITERATIONS="${ITERATIONS:-1}" THREADS="${THREADS:-2}" PRECISION="${PRECISION:-bf16}"
USER_STORAGE="${USER_STORAGE:-fp32}"
GEN_HEAP="${GEN_HEAP:-4g}" TRAIN_HEAP="${TRAIN_HEAP:-20g}" SERVE_HEAP="${SERVE_HEAP:-2g}" RATE="${RATE:-200}" DURATION="${DURATION:-60}"
WARMUP="${WARMUP:-10}" SENDERS="${SENDERS:-8}" K="${K:-10}" SAMPLE="${SAMPLE:-200000}"
dir="${BIG_DIR:-/tmp/kindred-big}"
mkdir -p "$dir"
out="$dir/big-model.txt"
say() { echo "$@" | tee -a "$out"; }

"$root/kindred" --version >/dev/null
jar="$dir/kindred.jar"
cp "$root/kindred-cli/target/kindred.jar" "$jar"
java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC)
classes="$dir/loadgen-classes"
if [ ! -f "$classes/dev/kindred/bench/serve/LoadGenerator.class" ]; then
  mkdir -p "$classes"
  "$JAVA_HOME/bin/javac" -nowarn -d "$classes" -cp "$jar" "$root"/kindred-bench/src/main/java/dev/kindred/bench/serve/*.java
fi

say "== big-model $(date -u +%FT%TZ) on $(nproc) cores, $(free -g | awk '/^Mem:/ {print $7 " GiB available"}'), load $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$root" rev-parse --short HEAD)"
data="$dir/g$USERS-$ITEMS-$INTERACTIONS.tsv"
if [ ! -s "$data" ]; then
  say "\$ kindred generate --users $USERS --items $ITEMS --interactions $INTERACTIONS --implicit --seed 1 --out $data"
  "${java[@]}" "-Xmx$GEN_HEAP" -jar "$jar" generate --users "$USERS" --items "$ITEMS" --interactions "$INTERACTIONS" --implicit \
    --seed 1 --out "$data" --json 2>&1 | tee -a "$out"
fi
model="$dir/model-$USERS-$FACTORS-$PRECISION$([ "$USER_STORAGE" = fp32 ] || echo "-train-$USER_STORAGE").kdm"
if [ "${REUSE_MODEL:-0}" = 1 ] && [ -s "$model" ]; then
  say "reusing $model ($(stat -c %s "$model" | awk '{printf "%.2f GiB", $1 / 2^30}')), not training"
else
  say "\$ java -Xmx$TRAIN_HEAP -jar kindred.jar train --train $data --columns user=0,item=1 --implicit --model ials --factors $FACTORS --iterations $ITERATIONS --threads $THREADS --user-storage $USER_STORAGE --factor-precision $PRECISION --out $model"
  /usr/bin/time -v "${java[@]}" "-Xmx$TRAIN_HEAP" -Xmn256m -jar "$jar" train --train "$data" --columns user=0,item=1 --implicit \
    --model ials --factors "$FACTORS" --iterations "$ITERATIONS" --threads "$THREADS" --seed 1 \
    --user-storage "$USER_STORAGE" --factor-precision "$PRECISION" --out "$model" >"$dir/train.out" 2>"$dir/train.err" \
    || { tail -20 "$dir/train.err" | tee -a "$out"; exit 1; }
  grep -E '^(read|train|hashed)' "$dir/train.err" | tee -a "$out"
  tee -a "$out" <"$dir/train.out"
  say "train: peak RSS $(awk -F': ' '/Maximum resident/ {printf "%.2f GiB", $2 / 1048576}' "$dir/train.err"), wall $(awk -F': ' '/Elapsed/ {print $2}' "$dir/train.err"); model file $(stat -c %s "$model" | awk '{printf "%.2f GiB", $1 / 2^30}'); parameters $((USERS * FACTORS + ITEMS * FACTORS))"
fi

shuf -n "$SAMPLE" --random-source=<(yes) "$data" | cut -f1,2 >"$dir/sample.tsv"
say "\$ java -Xmx$SERVE_HEAP -jar kindred.jar serve --model-file $model --port 0"
: >"$dir/serve.err"
t0=$(date +%s.%N)
"${java[@]}" "-Xmx$SERVE_HEAP" -jar "$jar" serve --model-file "$model" --port 0 2>"$dir/serve.err" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
wait_for_server "$dir/serve.err" "$server" big-model 3000 0.02
t1=$(date +%s.%N)
say "server ready after $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s (JVM start included), RSS $(ps -o rss= -p "$server" | awk '{printf "%.0f MB", $1/1024}')"
grep -E '^kindred:|since JVM startup' "$dir/serve.err" | tee -a "$out"
url="http://127.0.0.1:$port"
say "\$ java -cp <loadgen classes>:kindred.jar dev.kindred.bench.serve.LoadGenerator --url $url --users-file sample.tsv --rate $RATE --duration $DURATION --warmup $WARMUP --threads $SENDERS --k $K --zipf 0"
"$JAVA_HOME/bin/java" -Xmx1g -cp "$classes:$jar" dev.kindred.bench.serve.LoadGenerator --url "$url" \
  --users-file "$dir/sample.tsv" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --threads "$SENDERS" \
  --k "$K" --zipf 0 2>&1 | tee -a "$out"
say "server RSS after the load: $(ps -o rss= -p "$server" | awk '{printf "%.0f MB", $1/1024}'); load $(cut -d' ' -f1-3 /proc/loadavg)"
