package dev.kindred.spark.cluster;

import dev.kindred.spark.testkit.ApplicationJars;
import dev.kindred.spark.testkit.LocalStandaloneCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Shared set-up for tests on a {@link LocalStandaloneCluster}: the cluster's {@code SPARK_HOME} under
 * {@code target/}, Spark's runtime from this JVM's (Maven-resolved) class path, Kindred's classes
 * (main and test) shipped as {@code spark.jars}.
 */
final class ClusterFixture {

  private ClusterFixture() {}

  /** Starts a cluster with a 2-core worker in {@code target/spark-cluster-<name>}. */
  static LocalStandaloneCluster startCluster(String name) throws IOException {
    ApplicationJars.Split cp = ApplicationJars.ofThisJvm();
    return LocalStandaloneCluster.start(
        LocalStandaloneCluster.Config.of(Path.of("target", "spark-cluster-" + name), cp.sparkRuntime()));
  }

  /** A driver session on the cluster with {@code executors x cores}, Kindred's classes shipped. */
  static SparkSession session(LocalStandaloneCluster cluster, String appName, int executors, int cores)
      throws IOException {
    ApplicationJars.Split cp = ApplicationJars.ofThisJvm();
    List<Path> jars = ApplicationJars.asJars(cp.application(), cluster.home().resolve("app-jars-" + appName));
    SparkSession.Builder b = SparkSession.builder().appName(appName)
        .config("spark.executor.memory", "1g")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4");
    cluster.driverConf(executors, cores, ApplicationJars.sparkJarsValue(jars)).forEach(b::config);
    SparkSession spark = b.getOrCreate();
    if (!spark.sparkContext().master().equals(cluster.masterUrl())) {
      throw new IllegalStateException("another test class left a session on " + spark.sparkContext().master()
          + " running; expected a new one on " + cluster.masterUrl());
    }
    spark.sparkContext().setLogLevel("WARN");
    // Executors register asynchronously; the tests want all of them before they start.
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < executors + 1
        && System.nanoTime() < deadline) {
      sleep(200);
    }
    return spark;
  }

  static void stop(SparkSession spark, LocalStandaloneCluster cluster) {
    try {
      if (spark != null) spark.stop();
    } finally {
      if (cluster != null) cluster.close();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
