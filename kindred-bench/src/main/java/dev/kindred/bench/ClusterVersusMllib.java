package dev.kindred.bench;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import dev.kindred.spark.als.DistributedImplicitAls;
import dev.kindred.spark.cluster.ShuffleBytesListener;
import dev.kindred.train.als.ImplicitAlsConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Side-by-side distributed implicit ALS on one Spark standalone cluster started on this machine
 * (master and worker JVMs, {@code executors} executor JVMs of 1 core each): Kindred's
 * {@link DistributedImplicitAls} against Spark MLlib's ALS ({@code implicitPrefs}), in one run, same
 * data, rank, regularisation (weighted by counts, as MLlib does), alpha, iterations and blocks.
 *
 * <p><b>Time per iteration</b>, the same method for both: after a warm-up fit of 1 iteration, fit
 * with 1 and with N iterations and take {@code (t(N) - t(1)) / (N - 1)}, so fixed costs (loading,
 * block building, caching, collecting the factors) cancel. <b>Shuffle bytes per iteration</b>, the
 * same difference of {@link ShuffleBytesListener} totals. <b>Quality</b>: Recall@20 by kindred-eval
 * on the driver over all items, training items excluded, MLlib's factors copied into a
 * {@link LatentFactorModel}.
 *
 * <p>Usage: {@code kindred-bench/scripts/spark-cluster-vs-mllib.sh [--data gowalla] [--rank 64]
 * [--iterations 10] [--lambda 1] [--alpha 40] [--blocks 2] [--executors 2] [--executor-memory 2g]
 * [--systems both|kindred|mllib] [--seed 42] [--datasets DIR]}; {@code --data} is {@code gowalla} (default), any
 * data set of {@link AlsVersusSpark}, or {@code synthetic-4m} (200,000 users x 50,000 items, 5M generated
 * implicit events, 20% per user held out).
 */
public final class ClusterVersusMllib {

  /** Generated data five times Gowalla's size, to see how the ratio moves with the data. */
  static final String LARGE = "synthetic-4m";

  private ClusterVersusMllib() {}

  private static Split large(long seed) {
    SyntheticConfig c = SyntheticConfig.of(200_000, 50_000, 5_000_000, seed).withImplicit(true);
    return Splits.perUser(new SyntheticGenerator(c).generateInMemory(), 0.2, seed);
  }

  /** One system's measurements. */
  record Result(double secondsPerIteration, double fit1, double fitN, ShuffleBytesListener.Totals bytesPerIteration,
      double recall) {}

  public static void main(String[] args) throws Exception {
    List<String> a = new ArrayList<>(List.of(args));
    if (!a.contains("--data")) a.addAll(List.of("--data", "gowalla"));
    List<Map<String, String>> runs = AlsVersusSpark.parse(a.toArray(String[]::new));
    if (runs.size() != 1) throw new IllegalArgumentException("expected one --data, got " + runs.size());
    Map<String, String> f = runs.get(0);
    AlsVersusSpark.Params p = AlsVersusSpark.params(f);
    int executors = Integer.parseInt(f.getOrDefault("executors", "2"));
    String systems = f.getOrDefault("systems", "both");
    Split data = p.data().equals(LARGE) ? large(p.seed())
        : AlsVersusSpark.load(p, Path.of(f.getOrDefault("datasets", "../shared/datasets")));
    Interactions train = data.train();
    System.out.printf(Locale.ROOT, "%s: %d users x %d items, %d train / %d test; rank %d, %d iterations, lambda %s"
            + " (weighted), alpha %s, %d blocks, %d executors x 1 core%n", p.data(), train.numUsers(), train.numItems(),
        train.size(), data.test().size(), p.rank(), p.iterations(), p.sparkLambda(), p.alpha(), p.blocks(), executors);
    long routed = ShuffleVolume.routedRows(train, p.blocks());
    System.out.printf(Locale.ROOT, "routing model: %,d factor rows per iteration x 4k bytes = %.2f MB%n", routed,
        routed * 4.0 * p.rank() / 1e6);
    List<String> rows = new ArrayList<>();
    try (BenchCluster c = BenchCluster.start(Path.of("kindred-bench/target/spark-cluster").toAbsolutePath(), executors,
        f.getOrDefault("executor-memory", "2g"), p.blocks())) {
      System.out.printf("Spark %s standalone at %s; Java %s%n", c.spark.version(), c.cluster.masterUrl(),
          Runtime.version());
      ShuffleBytesListener bytes = ShuffleBytesListener.register(c.spark.sparkContext());
      Result kindred = null;
      Result mllib = null;
      if (!systems.equals("mllib")) {
        kindred = kindred(c, p, data, bytes);
        rows.add(row("Kindred DistributedImplicitAls", p, kindred));
      }
      if (!systems.equals("kindred")) {
        mllib = mllib(c, p, data, bytes);
        rows.add(row("Spark MLlib ALS", p, mllib));
      }
      System.out.println();
      System.out.println("| system | s/iter | fit(1) s | fit(N) s | shuffle write MB/iter | shuffle read MB/iter (remote)"
          + " | recall@20 |");
      System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
      rows.forEach(System.out::println);
      if (kindred != null && mllib != null) {
        System.out.printf(Locale.ROOT, "%nKindred is %.1fx faster per iteration; recall@20 Kindred %.4f vs MLlib %.4f"
            + " (%+.2f%%)%n", mllib.secondsPerIteration / kindred.secondsPerIteration, kindred.recall, mllib.recall,
            100 * (kindred.recall - mllib.recall) / mllib.recall);
      }
    }
  }

  private static Result kindred(BenchCluster c, AlsVersusSpark.Params p, Split data, ShuffleBytesListener bytes) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(c.spark.sparkContext());
    SparkInteractions input = SparkInteractions.of(jsc, data.train(), p.blocks(), StorageLevel.MEMORY_AND_DISK());
    SparkTrainingOptions options = SparkTrainingOptions.DEFAULTS.withBlocks(p.blocks()).withSeed(p.seed());
    IntFunction<LatentFactorModel> fit = iterations -> new DistributedImplicitAls(ImplicitAlsConfig.DEFAULTS
        .withFactors(p.rank()).withIterations(iterations).withRegularization(p.sparkLambda()).withAlpha(p.alpha())
        .withWeightedLambda(true).withSeed(p.seed()), options).fit(input);
    try {
      return measure("kindred", p, data, bytes, fit);
    } finally {
      input.unpersist();
    }
  }

  private static Result mllib(BenchCluster c, AlsVersusSpark.Params p, Split data, ShuffleBytesListener bytes) {
    SparkAls als = new SparkAls(c.spark, p.blocks());
    Dataset<Row> frame = als.frame(data.train());
    try {
      return measure("mllib", p, data, bytes,
          iterations -> SparkAls.toModel(als.fit(frame, p, iterations).model(), data.train()));
    } finally {
      frame.unpersist();
    }
  }

  private static Result measure(String name, AlsVersusSpark.Params p, Split data, ShuffleBytesListener bytes,
      IntFunction<LatentFactorModel> fit) {
    fit.apply(1); // warm-up: class loading on the executors, JIT
    ShuffleBytesListener.Totals b0 = bytes.snapshot();
    long t0 = System.nanoTime();
    fit.apply(1);
    double t1 = (System.nanoTime() - t0) / 1e9;
    ShuffleBytesListener.Totals b1 = bytes.snapshot();
    t0 = System.nanoTime();
    LatentFactorModel m = fit.apply(p.iterations());
    double tN = (System.nanoTime() - t0) / 1e9;
    ShuffleBytesListener.Totals bN = bytes.snapshot();
    int extra = p.iterations() - 1;
    ShuffleBytesListener.Totals one = b1.minus(b0);
    ShuffleBytesListener.Totals many = bN.minus(b1);
    ShuffleBytesListener.Totals perIter = new ShuffleBytesListener.Totals(
        (many.writeBytes() - one.writeBytes()) / extra, (many.readBytes() - one.readBytes()) / extra,
        (many.remoteReadBytes() - one.remoteReadBytes()) / extra, (many.localReadBytes() - one.localReadBytes()) / extra,
        (many.recordsRead() - one.recordsRead()) / extra, (many.tasks() - one.tasks()) / extra);
    EvalOptions o = EvalOptions.defaults().withThreads(2);
    double recall = Evaluator.rankingMetrics(new FactorRecommender(m), data.train(), data.test(), new int[] {20}, o)
        .get("recall@20");
    Result r = new Result((tN - t1) / extra, t1, tN, perIter, recall);
    System.out.printf(Locale.ROOT, "%s: fit(1) %.2f s, fit(%d) %.2f s -> %.3f s/iter; shuffle/iter write %.2f MB,"
            + " read %.2f MB (remote %.2f MB), %d tasks; recall@20 %.4f%n", name, t1, p.iterations(), tN,
        r.secondsPerIteration, perIter.writeBytes() / 1e6, perIter.readBytes() / 1e6, perIter.remoteReadBytes() / 1e6,
        perIter.tasks(), recall);
    return r;
  }

  private static String row(String system, AlsVersusSpark.Params p, Result r) {
    return String.format(Locale.ROOT, "| %s | %.3f | %.2f | %.2f | %.2f | %.2f (%.2f) | %.4f |", system,
        r.secondsPerIteration, r.fit1, r.fitN, r.bytesPerIteration.writeBytes() / 1e6,
        r.bytesPerIteration.readBytes() / 1e6, r.bytesPerIteration.remoteReadBytes() / 1e6, r.recall);
  }
}
