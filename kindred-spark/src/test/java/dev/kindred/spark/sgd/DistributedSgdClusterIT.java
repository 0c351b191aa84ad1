package dev.kindred.spark.sgd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.eval.Evaluator;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import dev.kindred.spark.testkit.ApplicationJars;
import dev.kindred.spark.testkit.LocalStandaloneCluster;
import dev.kindred.train.mf.MfSgdConfig;
import dev.kindred.train.mf.MfSgdTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DSGD matrix factorisation on a real standalone cluster (master, worker, two executor JVMs of one
 * core each, {@link LocalStandaloneCluster}): quality against single-machine {@link MfSgdTrainer},
 * and the same fit while one executor JVM is killed with SIGKILL after the first checkpoint.
 *
 * <p>Data: 2,000 users x 1,000 items, 80,000 planted rank-10 ratings with N(0, 0.5^2) noise, 20% held
 * out at random. Tolerance: held-out RMSE within 1% of the single-machine fit with the same
 * hyperparameters. After the kill the lost blocks are recomputed from the last checkpoint with
 * the same seeds, so the model is also expected to equal the undisturbed fit bit for bit.
 *
 * <p>Runs with {@code mvn -pl kindred-spark test -Pcluster -Dtest=DistributedSgdClusterIT}; about
 * 2 minutes on 2 busy cores.
 */
class DistributedSgdClusterIT {

  private static final int BLOCKS = 4;

  private static LocalStandaloneCluster cluster;
  private static SparkSession spark;
  private static Split data;
  private static double singleMachine;

  @BeforeAll
  static void start() throws IOException {
    Interactions all = new SyntheticGenerator(SyntheticConfig.of(2_000, 1_000, 80_000, 21L).withNoise(0.5))
        .generateInMemory();
    data = Splits.randomHoldout(all, 0.2, 21L);
    singleMachine = rmse(new MfSgdTrainer(config().withThreads(2)).fit(data.train()));
    ApplicationJars.Split cp = ApplicationJars.ofThisJvm();
    cluster = LocalStandaloneCluster.start(
        LocalStandaloneCluster.Config.of(Path.of("target", "spark-cluster-sgd"), cp.sparkRuntime()));
    List<Path> jars = ApplicationJars.asJars(cp.application(), cluster.home().resolve("app-jars-sgd"));
    SparkSession.Builder b = SparkSession.builder().appName("kindred-sgd-it")
        .config("spark.executor.memory", "1g").config("spark.default.parallelism", "4");
    cluster.driverConf(2, 1, ApplicationJars.sparkJarsValue(jars)).forEach(b::config);
    spark = b.getOrCreate();
    assertThat(spark.sparkContext().master()).isEqualTo(cluster.masterUrl());
    spark.sparkContext().setLogLevel("WARN");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < 3 && System.nanoTime() < deadline) {
      sleep(200);
    }
  }

  @AfterAll
  static void stop() {
    try {
      if (spark != null) spark.stop();
    } finally {
      if (cluster != null) cluster.close();
    }
  }

  static MfSgdConfig config() {
    return MfSgdConfig.DEFAULTS.withFactors(16).withEpochs(16).withRegularization(0.03f).withSeed(5);
  }

  @Test
  void killingAnExecutorMidTrainingDoesNotFailTheFitOrChangeTheModel() throws Exception {
    LatentFactorModel undisturbed = fit(SparkTrainingOptions.DEFAULTS.withBlocks(BLOCKS));
    assertThat(rmse(undisturbed)).as("DSGD on the cluster vs single machine %.4f", singleMachine)
        .isLessThan(singleMachine * 1.01);

    Path checkpoints = cluster.home().resolve("checkpoints-sgd-kill").toAbsolutePath();
    SparkTrainingOptions options =
        SparkTrainingOptions.DEFAULTS.withBlocks(BLOCKS).withCheckpoints(checkpoints.toUri().toString(), 2);
    String appId = spark.sparkContext().applicationId();
    CompletableFuture<LatentFactorModel> fit = CompletableFuture.supplyAsync(() -> fit(options));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (!hasMeta(checkpoints) && !fit.isDone() && System.nanoTime() < deadline) Thread.sleep(100);
    assertThat(fit).as("the fit ended before an executor could be killed").isNotDone();
    List<ProcessHandle> executors = cluster.executorProcesses(appId);
    assertThat(executors).hasSize(2);
    ProcessHandle victim = executors.get(0);
    assertThat(victim.destroyForcibly()).isTrue();
    victim.onExit().get(30, TimeUnit.SECONDS);

    LatentFactorModel model = fit.get(8, TimeUnit.MINUTES);
    assertThat(rmse(model)).isLessThan(singleMachine * 1.01);
    assertThat(model.userFactors()).isEqualTo(undisturbed.userFactors());
    assertThat(model.itemFactors()).isEqualTo(undisturbed.itemFactors());
  }

  private static LatentFactorModel fit(SparkTrainingOptions options) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SparkInteractions input = SparkInteractions.of(jsc, data.train(), BLOCKS, StorageLevel.MEMORY_AND_DISK());
    try {
      return DistributedMfSgd.fit(input, config(), options, DistributedSgdOptions.DEFAULTS);
    } finally {
      input.unpersist();
    }
  }

  private static double rmse(LatentFactorModel m) {
    return Evaluator.ratingMetrics(m, data.test()).get("rmse");
  }

  private static boolean hasMeta(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return false;
    try (Stream<Path> s = Files.walk(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().equals("_META"));
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
