#!/usr/bin/env bash
# Side-by-side ALS: Kindred vs Spark MLlib 4.2.0 (local[2]) in one JVM; see AlsVersusSpark's Javadoc
# for the timing and quality method. Builds kindred-bench and the modules it needs (a reactor build,
# nothing installed) when its classes or classpath are missing.
# Usage: kindred-bench/scripts/als-vs-spark.sh [--data ml-100k|ml-100k-implicit|gowalla|synthetic]... [flags]
# Heap: KINDRED_BENCH_HEAP (default 12g; Spark needs several GB on Gowalla).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="$root/kindred-bench"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ ! -f "$bench/target/classpath.txt" ] || [ ! -f "$bench/target/classes/dev/kindred/bench/AlsVersusSpark.class" ] \
   || [ -n "$(find "$bench/src" "$bench/pom.xml" -newer "$bench/target/classpath.txt" -print -quit)" ]; then
  (cd "$root" && mvn -q -pl kindred-bench -am package -DskipTests)
fi
# Spark binds its driver and block manager; keep them on the loopback interface.
export SPARK_LOCAL_IP=127.0.0.1
# Spark's JVM flags (their one list: spark-jvm-flags.properties), plus Kindred's Vector API.
mapfile -t sflags < <("$root/kindred-spark/scripts/spark-jvm-flags")
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED "${sflags[@]}" "-Xmx${KINDRED_BENCH_HEAP:-12g}")
cd "$root"
exec "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$bench/target/classes:$(cat "$bench/target/classpath.txt")" \
  dev.kindred.bench.AlsVersusSpark --datasets "$root/../shared/datasets" "$@"
