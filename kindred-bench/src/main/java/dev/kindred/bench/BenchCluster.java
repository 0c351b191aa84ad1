package dev.kindred.bench;

import dev.kindred.spark.testkit.ApplicationJars;
import dev.kindred.spark.testkit.LocalStandaloneCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * A standalone cluster on this machine plus a driver session on it, for the cluster benchmarks:
 * Spark's runtime from this JVM's class path (kindred-bench's {@code target/classpath.txt}), Kindred's
 * classes shipped to the executors as {@code spark.jars}, {@code executors x 1 core}.
 */
final class BenchCluster implements AutoCloseable {

  final LocalStandaloneCluster cluster;
  final SparkSession spark;

  private BenchCluster(LocalStandaloneCluster cluster, SparkSession spark) {
    this.cluster = cluster;
    this.spark = spark;
  }

  /**
   * Starts the cluster under {@code home} with a worker of {@code executors} cores, and a session with
   * {@code executors} single-core executors of {@code executorMemory} each, all registered.
   */
  static BenchCluster start(Path home, int executors, String executorMemory, int partitions) throws IOException {
    ApplicationJars.Split cp = ApplicationJars.ofThisJvm();
    LocalStandaloneCluster cluster = LocalStandaloneCluster.start(LocalStandaloneCluster.Config.of(home,
        cp.sparkRuntime()).withWorkerCores(executors).withWorkerMemory("12g"));
    try {
      List<Path> jars = ApplicationJars.asJars(cp.application(), home.resolve("app-jars"));
      SparkSession.Builder b = SparkSession.builder().appName("kindred-cluster-bench")
          .config("spark.executor.memory", executorMemory)
          .config("spark.sql.shuffle.partitions", Integer.toString(partitions))
          .config("spark.default.parallelism", Integer.toString(partitions));
      cluster.driverConf(executors, 1, ApplicationJars.sparkJarsValue(jars)).forEach(b::config);
      SparkSession spark = b.getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (spark.sparkContext().statusTracker().getExecutorInfos().length < executors + 1) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("executors did not register in 120 s; see " + cluster.home().resolve("work"));
        }
        Thread.sleep(200);
      }
      return new BenchCluster(cluster, spark);
    } catch (RuntimeException | IOException e) {
      cluster.close();
      throw e;
    } catch (InterruptedException e) {
      cluster.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      spark.stop();
    } finally {
      cluster.close();
    }
  }
}
