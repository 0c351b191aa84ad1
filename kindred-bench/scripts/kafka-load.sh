#!/usr/bin/env bash
# Fold-in throughput from Kafka under recommendation load: a real single-node KRaft broker (the
# test fixture dev.kindred.kafka.testkit.KafkaBroker, from the Maven artifacts, on 127.0.0.1), a
# trained model served by `kindred serve --events-from kafka` (durable event log, fsync always),
# then, side by side on this machine:
#   - dev.kindred.bench.serve.LoadGenerator: open-loop GET /v1/users/{u}/recommendations at RATE;
#   - events, in one of two modes:
#     paced (EVENT_RATE > 0, the default): dev.kindred.bench.serve.KafkaLoad --phase paced produces
#       a steady EVENT_RATE events/s over the same warm-up and window as the load, and reports the
#       events folded in per second over the window and the consumer lag at its end;
#     backlog (EVENT_RATE=0): EVENTS events are produced before the server starts (so the producer
#       does not compete with it for the CPU), then the server's consumption of that backlog is
#       sampled from /metrics (rate, lag) while the load runs.
# CAPS runs the measurement once per value of the server's --kafka-max-events-per-second (0: no
# cap; "default": the flag left out), one after the other against the same broker and model, each
# on a topic, consumer group and event log of its own: ratios between them are from one run.
# Targets (issue 15): >= 20,000 events/s folded in while answering 500 req/s with p99 < 5 ms; the
# defaults are those settings, and a paced run ends with one "kafka-load summary:" line per cap.
# Everything printed is also written to $KAFKA_LOAD_DIR/kafka-load.txt.
#
# Parameters (environment, defaults in brackets):
#   USERS [50000] ITEMS [100000] INTERACTIONS [2000000] FACTORS [64] EPOCHS [3]   data and iALS model
#   RATE [500] DURATION [60] WARMUP [10] SENDERS [8] K [10]   recommendation load
#   EVENT_RATE [20000] (0: backlog mode) EVENTS [1000000] (backlog mode) FORMAT [json] PARTITIONS [4]
#   CAPS [default]   e.g. "0 100000" to compare the consumer with and without a rate cap
#   SERVE_GC [-XX:+UseZGC, as the kindred launcher starts serve] the server's collector flag
#   SERVE_HEAP [4g] KAFKA_LOAD_DIR [a new temp dir] KINDRED [./kindred]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/kindred-bench/scripts/wait-for-server.sh"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
kindred="${KINDRED:-$root/kindred}"
USERS="${USERS:-50000}" ITEMS="${ITEMS:-100000}" INTERACTIONS="${INTERACTIONS:-2000000}"
FACTORS="${FACTORS:-64}" EPOCHS="${EPOCHS:-3}" RATE="${RATE:-500}" DURATION="${DURATION:-60}"
WARMUP="${WARMUP:-10}" SENDERS="${SENDERS:-8}" K="${K:-10}" EVENTS="${EVENTS:-1000000}"
FORMAT="${FORMAT:-json}" PARTITIONS="${PARTITIONS:-4}" EVENT_RATE="${EVENT_RATE:-20000}" CAPS="${CAPS:-default}"
dir="${KAFKA_LOAD_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/kafka-load.XXXXXX")}"
mkdir -p "$dir"
out="$dir/kafka-load.txt"
: >"$out"
say() { echo "$@" | tee -a "$out"; }
run() { say "\$ $*"; "$@" 2>&1 | tee -a "$out"; }

# The broker fixture (kindred-kafka-testkit) and the load tools (kindred-bench), compiled in the
# reactor with their class path: nothing is installed in the shared local repository.
cpfile=target/kafka-load-classpath.txt
(cd "$root" && flock /tmp/kb-kindred-kafka-load.lock mvn -q -B -ntp -pl kindred-bench -am -Dmaven.test.skip=true \
  compile dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=runtime >"$dir/build.log" 2>&1) \
  || { cat "$dir/build.log" >&2; echo "kafka-load: build failed" >&2; exit 1; }
bench_cp="$root/kindred-bench/target/classes:$(cat "$root/kindred-bench/$cpfile")"

say "== kafka-load $(date -u +%FT%TZ) on $(nproc) cores ($(uname -m)), load average $(cut -d' ' -f1-3 /proc/loadavg); work dir $dir"
data="$dir/data.tsv"
model="$dir/model.kdm"
[ -f "$data" ] || run "$kindred" generate --users "$USERS" --items "$ITEMS" --interactions "$INTERACTIONS" --implicit \
  --seed 42 --out "$data"
[ -f "$model" ] || run "$kindred" train --train "$data" --model ials --factors "$FACTORS" --epochs "$EPOCHS" \
  --threads 2 --seed 1 --out "$model"

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
# The broker serves until its standard input closes (the fifo's writer is this script). One topic per cap.
rm -f "$dir/broker.stdin"
mkfifo "$dir/broker.stdin"
topics=()
j=0
for _ in $CAPS; do topics+=("events$j:$PARTITIONS"); j=$((j + 1)); done
"$JAVA_HOME/bin/java" -Xmx1g -cp "$bench_cp" dev.kindred.kafka.testkit.KafkaBroker "${topics[@]}" \
  <"$dir/broker.stdin" >"$dir/broker.out" 2>"$dir/broker.err" &
broker=$!
pids+=($broker)
exec 8>"$dir/broker.stdin"
bootstrap=""
for _ in $(seq 1 240); do
  bootstrap="$(sed -n 's/^bootstrap=//p' "$dir/broker.out")"
  [ -n "$bootstrap" ] && break
  kill -0 "$broker" 2>/dev/null || { cat "$dir/broker.err" >&2; echo "kafka-load: the broker exited" >&2; exit 1; }
  sleep 0.5
done
[ -n "$bootstrap" ] || { echo "kafka-load: the broker did not start" >&2; exit 1; }
say "broker at $bootstrap (topics ${topics[*]})"
"$kindred" --version >/dev/null # builds the CLI jar when stale
jar="$root/kindred-cli/target/kindred.jar"
summaries=()

# measure J CAP: one server on topic eventsJ with --kafka-max-events-per-second CAP ("default": unset).
measure() {
  local j="$1" cap="$2" topic="events$1" log="$dir/events-$1.log"
  local capflag=()
  [ "$cap" = default ] || capflag=(--kafka-max-events-per-second "$cap")
  say "== consumer cap: $cap (topic $topic)"
  if [ "$EVENT_RATE" = 0 ]; then
    say "\$ java dev.kindred.bench.serve.KafkaLoad --phase produce --events $EVENTS --format $FORMAT --topic $topic"
    "$JAVA_HOME/bin/java" -Xmx1g -cp "$bench_cp" dev.kindred.bench.serve.KafkaLoad --phase produce \
      --bootstrap "$bootstrap" --topic "$topic" --users-file "$data" --events "$EVENTS" --format "$FORMAT" 2>&1 | tee -a "$out"
  fi
  local serve=(serve --model-file "$model" --train "$data" --port 0 --events "$log" --fsync always
    --events-from kafka --kafka-bootstrap "$bootstrap" --kafka-topic "$topic" --kafka-group "kafka-load-$j" "${capflag[@]}")
  rm -f "$log" "$log.dead-letters.jsonl"
  say "\$ java ${SERVE_GC:--XX:+UseZGC} -Xmx${SERVE_HEAP:-4g} -jar kindred.jar ${serve[*]}"
  : >"$dir/serve-$j.err"
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED ${SERVE_GC:--XX:+UseZGC} \
    "-Xmx${SERVE_HEAP:-4g}" -jar "$jar" "${serve[@]}" 2>"$dir/serve-$j.err" &
  local server=$!
  pids+=($server)
  wait_for_server "$dir/serve-$j.err" "$server" kafka-load 600 0.5
  local url="http://127.0.0.1:$port"
  say "server ready at $url; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  say "-- recommendation load at $RATE req/s for ${DURATION}s (warm-up ${WARMUP}s)"
  "$JAVA_HOME/bin/java" -Xmx1g -cp "$bench_cp" dev.kindred.bench.serve.LoadGenerator --url "$url" --users-file "$data" \
    --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --threads "$SENDERS" --k "$K" --json \
    >"$dir/loadgen-$j.json" 2>"$dir/loadgen-$j.err" &
  local gen=$!
  if [ "$EVENT_RATE" = 0 ]; then
    say "\$ java dev.kindred.bench.serve.KafkaLoad --phase watch --events $EVENTS"
    "$JAVA_HOME/bin/java" -Xmx256m -cp "$bench_cp" dev.kindred.bench.serve.KafkaLoad --phase watch --url "$url" \
      --events "$EVENTS" 2>&1 | tee -a "$out" || true
  else
    say "\$ java dev.kindred.bench.serve.KafkaLoad --phase paced --rate $EVENT_RATE --warmup $WARMUP --duration $DURATION --topic $topic"
    "$JAVA_HOME/bin/java" -Xmx512m -cp "$bench_cp" dev.kindred.bench.serve.KafkaLoad --phase paced \
      --bootstrap "$bootstrap" --topic "$topic" --users-file "$data" --url "$url" --rate "$EVENT_RATE" \
      --warmup "$WARMUP" --duration "$DURATION" --format "$FORMAT" --json-out "$dir/paced-$j.json" 2>&1 | tee -a "$out" || true
  fi
  wait "$gen" || true
  say "load generator: $(cat "$dir/loadgen-$j.json" "$dir/loadgen-$j.err")"
  say "server metrics at the end:"
  curl -s "$url/metrics" | grep -E '^kindred_kafka_|^kindred_events_ingested' | tee -a "$out"
  say "events in the log: $(wc -l <"$log"); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$EVENT_RATE" != 0 ] && [ -f "$dir/paced-$j.json" ]; then
    summaries+=("cap $cap: $("$JAVA_HOME/bin/java" -Xmx256m -cp "$bench_cp" dev.kindred.bench.serve.KafkaLoad \
      --phase summary --paced "$dir/paced-$j.json" --load "$dir/loadgen-$j.json" --target-rate "$EVENT_RATE")")
  fi
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}

j=0
for cap in $CAPS; do
  measure "$j" "$cap"
  j=$((j + 1))
done
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
for line in "${summaries[@]}"; do say "$line"; done
say "output: $out"
