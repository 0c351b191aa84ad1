#!/usr/bin/env bash
# How training cost grows with data size (issue 13, item 6): for each size, generate that many
# interactions (USERS = size / 10, ITEMS = size / 100, so 10M users x 1M items at 100M), then train
# mf-sgd and ials on it, one run at a time, each in its own JVM under /usr/bin/time -v, and record
#   - wall and process CPU seconds (all threads and GC) of the last epoch / iteration (EPOCHS of
#     them, so the first one's warm-up is excluded); on a shared machine the CPU seconds are the
#     figure to compare across sizes, the wall seconds mostly measure the other processes,
#   - peak RSS of the JVM (GNU time's "Maximum resident set size"),
#   - the model file's size,
#   - interaction bytes (what Interactions holds: CSR item index + value, CSC user index + value +
#     CSR position, 4 bytes each per pair, plus both pointer arrays) and factor bytes ((users +
#     items) x FACTORS fp32), and peak RSS over their sum.
# Results go to $SCALING_DIR/scaling.tsv (one row per size and model); then
# scaling-plot.py draws docs/scaling.svg from it (matplotlib, from the OS's python3-matplotlib).
#
# Parameters (environment, defaults in brackets):
#   SIZES ["10000000 30000000 100000000"]  interactions per data set
#   MODELS ["mf-sgd ials"]  FACTORS [64]  EPOCHS [2]  THREADS [2]  SEED [1]
#   HEAP_FACTOR [1.35]  -Xmx = HEAP_FACTOR x (interaction bytes + factor bytes) + HEAP_BASE_MB
#   HEAP_BASE_MB [384]  GC_OPTS ["-XX:+UseParallelGC -Xmn128m"] (a small young generation leaves
#   the old one, where the big arrays live, nearly all of -Xmx; ParallelGC's default gives it 2/3)  SCALING_DIR [/tmp/kindred-scaling]  (data files are kept there and reused)
#   PLOT [docs/scaling.svg]  (empty: no plot)  KEEP_DATA [1]  (0: delete each data file after use)
# The generated files hold explicit ratings with timestamps; training reads only
# user, item and rating (--columns), since neither model uses time, and ials treats them as events
# (--implicit). Check `free -g` first: the 100M size needs about 8 GiB.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
SIZES="${SIZES:-10000000 30000000 100000000}"
MODELS="${MODELS:-mf-sgd ials}"
FACTORS="${FACTORS:-64}" EPOCHS="${EPOCHS:-2}" THREADS="${THREADS:-2}" SEED="${SEED:-1}"
HEAP_FACTOR="${HEAP_FACTOR:-1.35}" HEAP_BASE_MB="${HEAP_BASE_MB:-384}" KEEP_DATA="${KEEP_DATA:-1}"
dir="${SCALING_DIR:-/tmp/kindred-scaling}"
PLOT="${PLOT-$root/docs/scaling.svg}"
mkdir -p "$dir"
log="$dir/scaling.log"
table="$dir/scaling.tsv"
say() { echo "$@" | tee -a "$log"; }

# One build, then a private copy of the jar, so edits in the tree during a long run change nothing.
"$root/kindred" --version >/dev/null
jar="$dir/kindred.jar"
cp "$root/kindred-cli/target/kindred.jar" "$jar"
GC_OPTS="${GC_OPTS:--XX:+UseParallelGC -Xmn128m}"
# shellcheck disable=SC2206 # GC_OPTS is a list of flags
java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED $GC_OPTS)

say "== scaling $(date -u +%FT%TZ) on $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2 " GiB total, " $7 " GiB available"}'), load $(cut -d' ' -f1-3 /proc/loadavg)"
say "   commit $(git -C "$root" rev-parse --short HEAD), sizes: $SIZES, models: $MODELS, k=$FACTORS, epochs=$EPOCHS, threads=$THREADS"
printf 'interactions\tusers\titems\tmodel\tepoch_seconds\tepoch_cpu_seconds\tpeak_rss_bytes\tmodel_bytes\tinteraction_bytes\tfactor_bytes\trss_ratio\theap_mb\tload\n' >"$table"

for n in $SIZES; do
  users=$((n / 10)) items=$((n / 100))
  data="$dir/g$n.tsv"
  if [ ! -s "$data" ]; then
    say "\$ kindred generate --users $users --items $items --interactions $n --seed $SEED --out $data"
    "${java[@]}" -Xmx1g -jar "$jar" generate --users "$users" --items "$items" --interactions "$n" --seed "$SEED" \
      --out "$data" --json >>"$log" 2>&1
  fi
  for model in $MODELS; do
    case "$model" in
      ials) passes=(--iterations "$EPOCHS" --implicit) ;;
      *) passes=(--epochs "$EPOCHS") ;;
    esac
    out="$dir/$model-$n.kdm"
    # Dimensions as generated; the run reports how many users and items actually occur.
    factor_bytes=$(( (users + items) * FACTORS * 4 ))
    interaction_bytes=$(( n * 20 + (users + items + 2) * 4 ))
    heap_mb=$(awk -v f="$HEAP_FACTOR" -v b="$((interaction_bytes + factor_bytes))" -v base="$HEAP_BASE_MB" \
      'BEGIN { printf "%d", f * b / 1048576 + base }')
    free_gb=$(free -g | awk '/^Mem:/ {print $7}')
    load=$(cut -d' ' -f1 /proc/loadavg)
    say "\$ java $GC_OPTS -Xmx${heap_mb}m -jar kindred.jar train --train $data --columns user=0,item=1,rating=2 --model $model --factors $FACTORS ${passes[*]} --threads $THREADS --out $out   (available ${free_gb} GiB, load $load)"
    err="$dir/$model-$n.err"
    if ! /usr/bin/time -v "${java[@]}" "-Xmx${heap_mb}m" -jar "$jar" train --train "$data" --columns user=0,item=1,rating=2 \
        --model "$model" --factors "$FACTORS" "${passes[@]}" --threads "$THREADS" --seed "$SEED" --out "$out" \
        >"$dir/$model-$n.out" 2>"$err"; then
      say "   FAILED (exit $?): $(grep -v '^\s' "$err" | tail -3)"
      continue
    fi
    # The progress line of the last pass: "<model>: epoch E/E ... (epoch S.SSSs, cpu C.CCCs)".
    last=$(grep -E "epoch $EPOCHS/$EPOCHS" "$err" | tail -1)
    epoch_s=$(sed -E 's/.*\(epoch ([0-9.]+)s, cpu.*/\1/' <<<"$last")
    cpu_s=$(sed -E 's/.*, cpu ([0-9.]+)s\).*/\1/' <<<"$last")
    rss=$(( $(awk -F': ' '/Maximum resident set size/ {print $2}' "$err") * 1024 ))
    model_bytes=$(stat -c %s "$out")
    ratio=$(awk -v r="$rss" -v d="$((interaction_bytes + factor_bytes))" 'BEGIN { printf "%.2f", r / d }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$users" "$items" "$model" "$epoch_s" "$cpu_s" "$rss" \
      "$model_bytes" "$interaction_bytes" "$factor_bytes" "$ratio" "$heap_mb" "$load" >>"$table"
    say "   $model at $n: last epoch ${epoch_s}s wall, ${cpu_s}s CPU, peak RSS $((rss >> 20)) MiB = ${ratio}x (interactions + factors), model $((model_bytes >> 20)) MiB, wall $(awk -F': ' '/Elapsed/ {print $2}' "$err")"
    rm -f "$out"
  done
  if [ "$KEEP_DATA" = 0 ]; then rm -f "$data"; fi
done
column -t -s $'\t' "$table" | tee -a "$log"
if [ -n "$PLOT" ]; then
  /usr/bin/python3 "$root/kindred-bench/scripts/scaling-plot.py" "$table" "$PLOT"
  say "plot: $PLOT"
fi
