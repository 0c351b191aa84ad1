#!/usr/bin/env bash
# Runs a distributed-SGD bench main of kindred-spark's test scope on local[2].
# Usage: kindred-spark/scripts/sgd-bench.sh convergence [DATASET_DIR] [OUT_PREFIX] [epochs] [stepsPerRound]
#        kindred-spark/scripts/sgd-bench.sh folds [DATASET_DIR] [dsgd|sync|async] [blocks] [stepsPerRound] [staleness]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
what="${1:?convergence or folds}"; shift
data="${1:-$root/../shared/datasets/ml-100k}"; shift || true
[ -f "$data/u1.base" ] || { echo "sgd-bench: $data/u1.base not found" >&2; exit 2; }
cp_file="$root/kindred-spark/target/sgd-bench.classpath"
flock /tmp/kb-kindred-spark.lock mvn -o -q -f "$root/pom.xml" -pl kindred-spark -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
cp="$root/kindred-spark/target/test-classes:$root/kindred-spark/target/classes:$(cat "$cp_file")"
mapfile -t sflags < <("$root/kindred-spark/scripts/spark-jvm-flags")
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g -XX:+UseParallelGC "${sflags[@]}")
export SPARK_LOCAL_IP=127.0.0.1
case "$what" in
  convergence)
    out="${1:-$root/docs/img/sgd-sync-vs-async}"; shift || true
    exec "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$cp" dev.kindred.spark.sgd.SgdConvergence "$data" "$out" "$@" ;;
  folds)
    exec "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$cp" dev.kindred.spark.sgd.Ml100kFolds "$data" "$@" ;;
  *) echo "sgd-bench: unknown bench '$what' (convergence or folds)" >&2; exit 2 ;;
esac
