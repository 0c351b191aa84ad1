#!/usr/bin/env bash
# Side-by-side distributed implicit ALS on one Spark standalone cluster started on this machine
# (a master JVM, a worker JVM, N executor JVMs x 1 core, all on 127.0.0.1): Kindred's
# DistributedImplicitAls vs Spark MLlib 4.2.0 ALS, same data, rank, lambda, alpha, iterations, blocks.
# See ClusterVersusMllib's Javadoc for the timing, shuffle-bytes and quality method.
# Builds kindred-bench and the modules it needs (a reactor build, nothing installed) when its classes
# or classpath are missing or older than its sources.
# Usage: kindred-bench/scripts/spark-cluster-vs-mllib.sh [--data gowalla] [--rank 64] [--iterations 10]
#        [--lambda 1] [--alpha 40] [--blocks 2] [--executors 2] [--executor-memory 2g] [--systems both]
#    or: kindred-bench/scripts/spark-cluster-vs-mllib.sh --shuffle-volume [EXECUTORS]
#        (shuffle bytes per iteration of Kindred's distributed iALS at several sizes; ShuffleVolume)
# Driver heap: KINDRED_BENCH_HEAP (default 6g: it holds the data, MLlib's factors and the evaluator).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="$root/kindred-bench"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
main="$bench/target/classes/dev/kindred/bench/ClusterVersusMllib.class"
# (classpath.txt is not rewritten when unchanged, so the compiled class dates the build)
if [ ! -f "$bench/target/classpath.txt" ] || [ ! -f "$main" ] \
   || [ -n "$(find "$bench/src" "$bench/pom.xml" "$root/kindred-spark/src" -newer "$main" -print -quit)" ]; then
  (cd "$root" && flock /tmp/kb-kindred-bench.lock mvn -o -q -pl kindred-bench -am package -DskipTests)
fi
# The driver, the master, the worker and the executors bind to the loopback interface.
export SPARK_LOCAL_IP=127.0.0.1
# Spark's JVM flags (their one list: spark-jvm-flags.properties), plus Kindred's Vector API.
mapfile -t sflags < <("$root/kindred-spark/scripts/spark-jvm-flags")
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED "${sflags[@]}" "-Xmx${KINDRED_BENCH_HEAP:-6g}")
cd "$root"
cp="$bench/target/classes:$(cat "$bench/target/classpath.txt")"
if [ "${1:-}" = "--shuffle-volume" ]; then
  shift
  exec "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$cp" dev.kindred.bench.ShuffleVolume "$@"
fi
exec "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$cp" dev.kindred.bench.ClusterVersusMllib \
  --datasets "$root/../shared/datasets" "$@"
