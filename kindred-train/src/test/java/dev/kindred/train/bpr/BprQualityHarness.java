package dev.kindred.train.bpr;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.data.InteractionFormat;
import dev.kindred.data.InteractionReader;
import dev.kindred.data.LoadResult;
import dev.kindred.data.ReadOptions;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * End-to-end quality and speed run of {@link BprTrainer} on the shared real data sets (not a unit
 * test: it takes minutes). Run with the test classpath and the Vector API module:
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp TEST_CLASSPATH dev.kindred.train.bpr.BprQualityHarness \
 *       gowalla|ml-100k [key=value,key=value ...] ...
 * </pre>
 *
 * Each further argument is one configuration applied on top of {@link BprConfig#DEFAULTS} (keys:
 * {@code factors epochs lr decay reg negReg biasReg allReg bias sampling exp initStd threads seed});
 * an empty argument is the defaults. The data is read once. Gowalla uses the LightGCN split and
 * reports recall@20 / ndcg@20 over all items with training items excluded; MovieLens 100K treats
 * every rating as a positive, splits with {@code Splits.perUser(data, 0.25, 42)} and reports
 * ndcg@10. Times: mean and fastest epoch (wall), and process CPU seconds per epoch, which is the
 * steadier number on a shared machine. Data sets are read in place from {@code -Dkindred.datasets}
 * when set, else from the first {@code shared/datasets} found walking up from the working
 * directory (the project's {@code ../shared/datasets}); when the data set is not there the run
 * says so and ends without training.
 */
public final class BprQualityHarness {

  public static void main(String[] args) throws IOException {
    String dataset = args[0];
    String needed = switch (dataset) {
      case "gowalla" -> "gowalla-lightgcn/train.txt";
      case "ml-100k" -> "ml-100k/u.data";
      default -> throw new IllegalArgumentException("unknown data set " + dataset + "; expected gowalla or ml-100k");
    };
    Path datasets = datasets(Path.of("").toAbsolutePath());
    if (datasets == null || !Files.isRegularFile(datasets.resolve(needed))) {
      System.err.println("skipping: shared data set file '" + needed + "' not found in "
          + (datasets == null ? "any shared/datasets above " + Path.of("").toAbsolutePath() : datasets)
          + " (set -Dkindred.datasets=DIR)");
      return;
    }
    Interactions train;
    Interactions test;
    int cutoff;
    if (dataset.equals("gowalla")) {
      Path dir = datasets.resolve("gowalla-lightgcn");
      List<LoadResult> r = InteractionReader.readShared(List.of(dir.resolve("train.txt"), dir.resolve("test.txt")),
          InteractionFormat.parse("lightgcn"), ReadOptions.DEFAULTS);
      train = r.get(0).data();
      test = r.get(1).data();
      cutoff = 20;
    } else {
      Path file = datasets.resolve("ml-100k/u.data");
      Interactions all = InteractionReader.read(file, InteractionFormat.parse("ml-100k"), ReadOptions.DEFAULTS).data();
      Split s = Splits.perUser(all, 0.25, 42L);
      train = s.train();
      test = s.test();
      cutoff = 10;
    }
    System.out.printf("%s: train %s, test %s%n", dataset, train, test);
    for (int a = 1; a < Math.max(2, args.length); a++) {
      BprConfig c = parse(a < args.length ? args[a] : "");
      double[] epochSeconds = {0, Double.POSITIVE_INFINITY};
      double[] lastLoss = {Double.NaN};
      ProgressListener l = rep -> {
        epochSeconds[0] += rep.epochNanos() / 1e9;
        epochSeconds[1] = Math.min(epochSeconds[1], rep.epochNanos() / 1e9);
        lastLoss[0] = rep.trainLoss();
      };
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      LatentFactorModel m = new BprTrainer(c).fit(train, null, l);
      double fitSeconds = (System.nanoTime() - t0) / 1e9;
      double cpuPerEpoch = (os.getProcessCpuTime() - cpu0) / 1e9 / c.epochs();
      Map<String, Double> metrics = Evaluator.rankingMetrics(new FactorRecommender(m), train, test,
          new int[] {cutoff}, EvalOptions.defaults().withThreads(2));
      System.out.printf(Locale.ROOT, "%s | recall@%d %.4f ndcg@%d %.4f | loss %.4f | %.3f s/epoch (min %.3f, cpu %.3f s), fit %.1f s%n",
          describe(c), cutoff, metrics.get("recall@" + cutoff), cutoff,
          metrics.get("ndcg@" + cutoff), lastLoss[0], epochSeconds[0] / c.epochs(), epochSeconds[1], cpuPerEpoch, fitSeconds);
    }
  }

  /**
   * The shared data sets directory: {@code -Dkindred.datasets} when set, else the first
   * {@code shared/datasets} directory at or above {@code from}; null when there is none.
   */
  static Path datasets(Path from) {
    String property = System.getProperty("kindred.datasets");
    if (property != null) {
      return Path.of(property);
    }
    for (Path dir = from; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("datasets");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** The settings that differ from the defaults, plus threads and seed. */
  static String describe(BprConfig c) {
    StringBuilder sb = new StringBuilder();
    Map<String, String> d = BprConfig.DEFAULTS.toMap();
    c.toMap().forEach((k, v) -> {
      if (!v.equals(d.get(k))) sb.append(k).append('=').append(v).append(' ');
    });
    return sb.append("threads=").append(c.threads()).append(" seed=").append(c.seed()).toString();
  }

  static BprConfig parse(String spec) {
    BprConfig c = BprConfig.DEFAULTS;
    for (String kv : spec.split(",")) {
      if (kv.isBlank()) continue;
      String[] p = kv.split("=", 2);
      String v = p[1];
      c = switch (p[0]) {
        case "factors" -> c.withFactors(Integer.parseInt(v));
        case "epochs" -> c.withEpochs(Integer.parseInt(v));
        case "lr" -> c.withLearningRate(Float.parseFloat(v));
        case "decay" -> c.withLearningRateDecay(Float.parseFloat(v));
        case "reg" -> c.withRegularization(Float.parseFloat(v));
        case "negReg" -> c.withNegativeRegularization(Float.parseFloat(v));
        case "biasReg" -> c.withBiasRegularization(Float.parseFloat(v));
        case "allReg" -> c.withAllRegularization(Float.parseFloat(v));
        case "bias" -> c.withItemBias(Boolean.parseBoolean(v));
        case "sampling" -> c.withSampling(BprConfig.Sampling.valueOf(v.toUpperCase(Locale.ROOT)));
        case "exp" -> c.withPopularityExponent(Float.parseFloat(v));
        case "initStd" -> c.withInitStd(Float.parseFloat(v));
        case "threads" -> c.withThreads(Integer.parseInt(v));
        case "seed" -> c.withSeed(Long.parseLong(v));
        default -> throw new IllegalArgumentException("unknown key " + p[0] + " in " + spec);
      };
    }
    return c;
  }
}
