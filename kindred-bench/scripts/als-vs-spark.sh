#!/usr/bin/env bash
# Side-by-side ALS: Kindred vs Spark MLlib 4.2.0 (local[2]) in one JVM; see AlsVersusSpark's Javadoc
# for the timing and quality method. Builds kindred-bench when its classes or classpath are missing
# (kindred-math, -core, -data, -train and -eval must be installed in the local repository).
# Usage: kindred-bench/scripts/als-vs-spark.sh [--data ml-100k|ml-100k-implicit|gowalla|synthetic]... [flags]
# Heap: KINDRED_BENCH_HEAP (default 12g; Spark needs several GB on Gowalla).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="$root/kindred-bench"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ ! -f "$bench/target/classpath.txt" ] || [ ! -f "$bench/target/classes/dev/kindred/bench/AlsVersusSpark.class" ] \
   || [ -n "$(find "$bench/src" "$bench/pom.xml" -newer "$bench/target/classpath.txt" -print -quit)" ]; then
  (cd "$root" && mvn -q -pl kindred-bench package -DskipTests)
fi
# Spark binds its driver and block manager; keep them on the loopback interface.
export SPARK_LOCAL_IP=127.0.0.1
# The module openings Spark needs on Java 17+ (Spark's JavaModuleOptions), plus Kindred's Vector API.
opens=(java.base/java.lang java.base/java.lang.invoke java.base/java.lang.reflect java.base/java.io
       java.base/java.net java.base/java.nio java.base/java.util java.base/java.util.concurrent
       java.base/java.util.concurrent.atomic java.base/sun.nio.ch java.base/sun.nio.cs
       java.base/sun.security.action java.base/sun.util.calendar)
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false
       -Dio.netty.tryReflectionSetAccessible=true "-Xmx${KINDRED_BENCH_HEAP:-12g}")
for o in "${opens[@]}"; do flags+=("--add-opens=$o=ALL-UNNAMED"); done
cd "$root"
exec "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$bench/target/classes:$(cat "$bench/target/classpath.txt")" \
  dev.kindred.bench.AlsVersusSpark --datasets "$root/../shared/datasets" "$@"
