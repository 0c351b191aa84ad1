package dev.kindred.spark.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.math.VectorOps;
import dev.kindred.spark.testkit.LocalStandaloneCluster;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * The harness itself: a master, a worker and two executor JVMs (2 x 1 core) run a trivial job, the
 * executors are separate processes that load Kindred's classes from {@code spark.jars} and run with
 * the Vector API.
 */
class LocalStandaloneClusterTest {

  private static LocalStandaloneCluster cluster;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClusterFixture.startCluster("harness");
    spark = ClusterFixture.session(cluster, "kindred-harness-test", 2, 1);
  }

  @AfterAll
  static void stop() {
    ClusterFixture.stop(spark, cluster);
  }

  @Test
  void countsOnTwoSeparateExecutorJvms() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Integer> numbers = jsc.parallelize(IntStream.rangeClosed(1, 10_000).boxed().toList(), 8);
    assertThat(numbers.count()).isEqualTo(10_000L);
    assertThat(numbers.map(Integer::longValue).reduce(Long::sum)).isEqualTo(50_005_000L);

    // Each task reports its JVM's pid and whether Kindred's kernels run vectorised there.
    List<String> seen = numbers.mapPartitions(it -> List.of(ProcessHandle.current().pid() + ":"
        + VectorOps.isVectorized()).iterator()).distinct().collect();
    long driver = ProcessHandle.current().pid();
    assertThat(seen).allSatisfy(s -> {
      assertThat(s).endsWith(":true");
      assertThat(s).doesNotStartWith(driver + ":");
    });
    List<ProcessHandle> executors = cluster.executorProcesses(spark.sparkContext().applicationId());
    assertThat(executors).hasSize(2);
    assertThat(seen).allSatisfy(s -> assertThat(executors.stream().map(p -> p.pid() + ":true")).contains(s));
  }

  @Test
  void listenerSeesEveryShuffledByteWrittenAndReadAcrossExecutors() {
    ShuffleBytesListener listener = ShuffleBytesListener.register(spark.sparkContext());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ShuffleBytesListener.Totals before = listener.snapshot();
    JavaPairRDD<Integer, Long> sums = jsc.parallelize(IntStream.range(0, 20_000).boxed().toList(), 8)
        .mapToPair(i -> new Tuple2<>(i % 1000, (long) i))
        .reduceByKey(Long::sum, 4);
    assertThat(sums.count()).isEqualTo(1000L);
    ShuffleBytesListener.Totals used = listener.snapshot().minus(before);

    // 8 map tasks + 4 reduce tasks; every byte written by a map task is read once by a reducer.
    assertThat(used.tasks()).isEqualTo(12L);
    assertThat(used.writeBytes()).isPositive();
    assertThat(used.readBytes()).isEqualTo(used.writeBytes());
    assertThat(used.remoteReadBytes() + used.localReadBytes()).isEqualTo(used.readBytes());
    // Map combining leaves at most 1000 records per map task.
    assertThat(used.recordsRead()).isBetween(1000L, 8000L);
    assertThat(listener.perStage().values().stream().mapToLong(ShuffleBytesListener.Totals::writeBytes).sum())
        .isEqualTo(used.writeBytes());
  }
}
