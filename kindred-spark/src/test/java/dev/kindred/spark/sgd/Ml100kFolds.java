package dev.kindred.spark.sgd;

import dev.kindred.core.Interactions;
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
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * MovieLens 100K folds u1..u5: distributed MF-SGD (a sync mode on local[2]) against single-machine
 * {@link MfSgdTrainer}, both with {@code kindred-bench/scripts/ml100k-folds.sh}'s flags; prints
 * each fold's test RMSE and the mean. Run by {@code kindred-spark/scripts/sgd-bench.sh folds}.
 *
 * <p>Arguments: {@code DATASET_DIR [mode] [blocks] [stepsPerRound] [staleness]}.
 */
public final class Ml100kFolds {

  private Ml100kFolds() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    SyncMode mode = args.length > 1 ? SyncMode.valueOf(args[1].toUpperCase(Locale.ROOT)) : SyncMode.DSGD;
    int blocks = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    int staleness = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    MfSgdConfig config = MfSgdConfig.DEFAULTS.withFactors(128).withEpochs(100).withLearningRate(0.015f)
        .withLearningRateDecay(0.96f).withRegularization(0.09f).withBiasRegularization(0.01f).withInitStd(0.03f)
        .withThreads(2).withSeed(42);
    DistributedSgdOptions sync = DistributedSgdOptions.DEFAULTS.withMode(mode).withStepsPerRound(steps)
        .withStaleness(staleness);
    SparkSession spark = TestSpark.session();
    double sumSingle = 0;
    double sumDist = 0;
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      for (int f = 1; f <= 5; f++) {
        List<LoadResult> loaded = InteractionReader.readShared(
            List.of(dir.resolve("u" + f + ".base"), dir.resolve("u" + f + ".test")), InteractionFormat.parse("ml-100k"),
            ReadOptions.DEFAULTS);
        Interactions train = loaded.get(0).data();
        Interactions test = loaded.get(1).data();
        long t0 = System.nanoTime();
        double single = Evaluator.ratingMetrics(new MfSgdTrainer(config).fit(train), test).get("rmse");
        double singleSec = (System.nanoTime() - t0) / 1e9;
        SparkInteractions data = SparkInteractions.of(jsc, train, 4, StorageLevel.MEMORY_ONLY());
        t0 = System.nanoTime();
        double dist = Evaluator.ratingMetrics(DistributedMfSgd.fit(data, config,
            SparkTrainingOptions.DEFAULTS.withBlocks(blocks), sync), test).get("rmse");
        double distSec = (System.nanoTime() - t0) / 1e9;
        data.unpersist();
        System.out.printf(Locale.ROOT, "u%d  single %.4f (%.1f s)  %s %.4f (%.1f s)  ratio %.4f%n", f, single, singleSec,
            mode.name().toLowerCase(Locale.ROOT), dist, distSec, dist / single);
        sumSingle += single;
        sumDist += dist;
      }
    } finally {
      spark.stop();
    }
    System.out.printf(Locale.ROOT, "mean rmse over 5 folds: single %.4f  %s %.4f  ratio %.4f%n", sumSingle / 5,
        mode.name().toLowerCase(Locale.ROOT), sumDist / 5, sumDist / sumSingle);
  }
}
