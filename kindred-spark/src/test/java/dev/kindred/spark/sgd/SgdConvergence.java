package dev.kindred.spark.sgd;

import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.data.InteractionFormat;
import dev.kindred.data.InteractionReader;
import dev.kindred.data.LoadResult;
import dev.kindred.data.ReadOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import dev.kindred.spark.TestSpark;
import dev.kindred.train.mf.MfSgdConfig;
import dev.kindred.train.mf.MfSgdTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Convergence of distributed MF-SGD on MovieLens 100K u1 under DSGD, SYNC and ASYNC (two staleness
 * bounds) on local[2]: test RMSE against training wall time, written as CSV and an SVG plot.
 * Snapshots are taken at every report and evaluated after the fit, so evaluation does not count
 * as training time. Run by {@code kindred-spark/scripts/sgd-bench.sh convergence}.
 *
 * <p>Arguments: {@code DATASET_DIR OUT_PREFIX [epochs] [stepsPerRound]}.
 */
public final class SgdConvergence {

  private SgdConvergence() {}

  record Point(String series, int round, double epochs, double seconds, double trainLoss, LatentFactorModel model) {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path prefix = Path.of(args[1]);
    int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 40;
    int stepsPerRound = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
    List<LoadResult> loaded = InteractionReader.readShared(List.of(dir.resolve("u1.base"), dir.resolve("u1.test")),
        InteractionFormat.parse("ml-100k"), ReadOptions.DEFAULTS);
    Interactions train = loaded.get(0).data();
    Interactions test = loaded.get(1).data();
    // kindred-bench/scripts/ml100k-folds.sh's flags, fewer epochs.
    MfSgdConfig config = MfSgdConfig.DEFAULTS.withFactors(128).withEpochs(epochs).withLearningRate(0.015f)
        .withLearningRateDecay(0.96f).withRegularization(0.09f).withBiasRegularization(0.01f).withInitStd(0.03f)
        .withThreads(2).withSeed(42);
    SparkSession spark = TestSpark.session();
    List<Point> points = new ArrayList<>();
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      SparkInteractions data = SparkInteractions.of(jsc, train, 4, StorageLevel.MEMORY_ONLY());
      SparkTrainingOptions layout = SparkTrainingOptions.DEFAULTS.withBlocks(2);
      DistributedSgdOptions base = DistributedSgdOptions.DEFAULTS.withStepsPerRound(stepsPerRound);
      record Run(String name, DistributedSgdOptions options) {}
      List<Run> runs = List.of(
          new Run("dsgd", base.withMode(SyncMode.DSGD)),
          new Run("sync", base.withMode(SyncMode.SYNC)),
          new Run("async-s0", base.withMode(SyncMode.ASYNC).withStaleness(0)),
          new Run("async-s4", base.withMode(SyncMode.ASYNC).withStaleness(4)));
      // Warm-up (JIT, Spark's first jobs), not recorded.
      DistributedMfSgd.fit(data, config.withEpochs(2), layout, base);
      for (Run run : runs) {
        SgdResult r = DistributedMfSgd.train(data, config, layout, run.options(), (report, model) ->
            points.add(new Point(run.name(), report.round(), report.epochs(), report.trainNanos() / 1e9,
                report.trainLoss(), model.get())));
        System.out.printf(Locale.ROOT, "%-9s final test rmse %.4f  train %.1f s  stats %s%n", run.name(),
            Evaluator.ratingMetrics(r.model(), test).get("rmse"), points.getLast().seconds(), r.stats());
      }
    } finally {
      spark.stop();
    }
    long t0 = System.nanoTime();
    LatentFactorModel single = new MfSgdTrainer(config).fit(train);
    double singleSeconds = (System.nanoTime() - t0) / 1e9;
    double singleRmse = Evaluator.ratingMetrics(single, test).get("rmse");
    System.out.printf(Locale.ROOT, "single-machine MfSgdTrainer (2 threads) test rmse %.4f  train %.1f s%n", singleRmse,
        singleSeconds);

    StringBuilder csv = new StringBuilder("series,round,epochs,train_seconds,train_loss,test_rmse\n");
    List<String> names = new ArrayList<>();
    List<List<double[]>> xy = new ArrayList<>();
    for (Point p : points) {
      double rmse = Evaluator.ratingMetrics(p.model(), test).get("rmse");
      csv.append(String.format(Locale.ROOT, "%s,%d,%.4f,%.3f,%.6f,%.5f%n", p.series(), p.round(), p.epochs(),
          p.seconds(), p.trainLoss(), rmse));
      int s = names.indexOf(p.series());
      if (s < 0) {
        names.add(p.series());
        xy.add(new ArrayList<>());
        s = names.size() - 1;
      }
      xy.get(s).add(new double[] {p.seconds(), rmse});
    }
    Files.writeString(Path.of(prefix + ".csv"), csv.toString());
    List<ConvergencePlot.Series> series = new ArrayList<>();
    for (int s = 0; s < names.size(); s++) {
      List<double[]> pts = xy.get(s);
      double[] x = new double[pts.size()];
      double[] y = new double[pts.size()];
      for (int j = 0; j < pts.size(); j++) {
        x[j] = pts.get(j)[0];
        y[j] = pts.get(j)[1];
      }
      series.add(new ConvergencePlot.Series(names.get(s), x, y));
    }
    ConvergencePlot.write(Path.of(prefix + ".svg"), String.format(Locale.ROOT,
        "MF-SGD on ML-100K u1, k=128, local[2], 2 partitions (single machine: %.4f)", singleRmse),
        "training wall time (s)", "test RMSE", series, 1.0);
  }
}
