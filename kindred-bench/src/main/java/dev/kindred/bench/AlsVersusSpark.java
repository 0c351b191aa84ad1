package dev.kindred.bench;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.Trainer;
import dev.kindred.data.InteractionFormat;
import dev.kindred.data.InteractionReader;
import dev.kindred.data.LoadResult;
import dev.kindred.data.ReadOptions;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.train.als.AlsConfig;
import dev.kindred.train.als.AlsSolver;
import dev.kindred.train.als.AlsTrainer;
import dev.kindred.train.als.ImplicitAlsConfig;
import dev.kindred.train.als.ImplicitAlsTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Side-by-side ALS: Kindred's ({@code als} / {@code ials}) against Spark MLlib's, in one JVM, on the
 * same data, rank, iterations, alpha and threads ({@code local[threads]} for Spark).
 *
 * <p><b>Time per iteration</b>, the same method for both: after one warm-up fit of 1 iteration
 * (class loading, JIT, Spark's first jobs), fit with 1 and with N iterations and take
 * {@code (t(N) - t(1)) / (N - 1)}; fixed costs (Spark's block building and caching, Kindred's
 * transposes) cancel. Kindred's own per-epoch timer (mean of epochs 2..N) is printed as a check.
 *
 * <p><b>Quality</b>, one evaluator for both: Spark's factors are copied into a
 * {@link LatentFactorModel} (Kindred's dense indices are Spark's ids) and scored by kindred-eval.
 * Implicit: Recall@20 over a full ranking of all items, the user's training items excluded. Explicit:
 * RMSE on the test pairs whose user and item occur in training (the pairs Spark's
 * {@code coldStartStrategy = "drop"} keeps); Spark's own {@code RegressionEvaluator} RMSE on
 * {@code transform(test)} is printed beside it with its pair count.
 *
 * <p><b>Regularisation</b>: Spark scales {@code regParam} by each row's interaction count in both
 * modes (ALS-WR). Kindred applies the same scaling with {@code weightedLambda} (on by default here,
 * {@code --weighted false} for plain lambda) and may use its own value ({@code --kindred-lambda}).
 * Explicit ALS in Kindred centres ratings on the training mean and clips predictions to the rating
 * range; Spark does neither.
 *
 * <p>Usage: {@code kindred-bench/scripts/als-vs-spark.sh [--data NAME]... [--rank 64]
 * [--iterations 10] [--lambda X] [--kindred-lambda X] [--alpha X] [--threads 2] [--blocks 2]
 * [--weighted true|false] [--kindred-solver cg|cholesky] [--datasets DIR] [--seed 42]
 * [--systems both|kindred]} ({@code kindred} skips Spark, for tuning), data
 * names {@code ml-100k} (explicit, u1.base / u1.test), {@code ml-100k-implicit} (u.data, 75/25 per
 * user), {@code gowalla} (LightGCN split), {@code synthetic} (1M generated implicit events, 80/20 per
 * user). A flag before the first {@code --data} applies to all data sets; after it, to that one.
 */
public final class AlsVersusSpark {

  /** One comparison's settings; {@code sparkLambda} is Spark's {@code regParam}. */
  record Params(String data, int rank, int iterations, float sparkLambda, float kindredLambda, float alpha,
      int threads, int blocks, boolean implicit, boolean weighted, AlsSolver kindredSolver, long seed,
      boolean runSpark) {}

  private AlsVersusSpark() {}

  public static void main(String[] args) throws IOException {
    List<Map<String, String>> runs = parse(args);
    List<String> table = new ArrayList<>();
    table.add("| data | mode | users x items | train / test | rank | iters | lambda (Spark / Kindred, weighted) | alpha"
        + " | Spark s/iter | Kindred s/iter | speed-up | Spark quality | Kindred quality |");
    table.add("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    SparkAls spark = null;
    try {
      for (Map<String, String> flags : runs) {
        Params p = params(flags);
        Split data = load(p, Path.of(flags.getOrDefault("datasets", "../shared/datasets")));
        if (spark == null && p.runSpark()) {
          spark = new SparkAls(p.threads(), p.blocks());
          System.out.printf("Spark %s, local[%d], %d blocks; Java %s%n", spark.version(), p.threads(), p.blocks(),
              Runtime.version());
        }
        table.add(compare(p, data, spark));
      }
    } finally {
      if (spark != null) spark.close();
    }
    System.out.println();
    table.forEach(System.out::println);
  }

  /** Runs both systems on one data set and returns the summary table row. */
  static String compare(Params p, Split data, SparkAls spark) {
    Interactions train = data.train();
    Interactions test = data.test();
    String metric = p.implicit() ? "recall@20" : "rmse";
    System.out.printf("%n== %s (%s): %d users x %d items, %d train / %d test pairs; rank %d, %d iterations, "
            + "Spark regParam %s, Kindred lambda %s (weighted %s, solver %s), alpha %s, %d threads%n",
        p.data(), p.implicit() ? "implicit" : "explicit", train.numUsers(), train.numItems(), train.size(),
        test.size(), p.rank(), p.iterations(), p.sparkLambda(), p.kindredLambda(), p.weighted(), p.kindredSolver(),
        p.alpha(), p.threads());

    // Kindred first, so Spark's heap and threads are idle while it runs.
    kindredTrainer(p, 1).fit(train);
    double k1 = timeKindred(p, 1, train, null).seconds;
    double[] epochs = new double[p.iterations()];
    Timed<LatentFactorModel> kN = timeKindred(p, p.iterations(), train, epochs);
    double kPer = (kN.seconds - k1) / (p.iterations() - 1);
    double kTimer = Arrays.stream(epochs, 1, epochs.length).average().orElse(Double.NaN);
    Interactions known = p.implicit() ? null : knownPairs(train, test);
    double kQuality = quality(p, kN.value, train, test, known);
    System.out.printf("kindred: fit(1) %.3f s, fit(%d) %.3f s -> %.4f s/iter (own timer, epochs 2..%d: %.4f s);"
        + " %s %.4f%s%n", k1, p.iterations(), kN.seconds, kPer, p.iterations(), kTimer, metric, kQuality,
        fitDiagnostics(p, kN.value, train));
    if (spark == null) {
      return String.format(Locale.ROOT, "| %s | kindred only | %.4f s/iter | %s %.4f |", p.data(), kPer, metric,
          kQuality);
    }

    Dataset<Row> trainDf = spark.frame(train);
    spark.fit(trainDf, p, 1); // warm-up
    double s1 = spark.fit(trainDf, p, 1).seconds();
    SparkAls.Fit sN = spark.fit(trainDf, p, p.iterations());
    double sPer = (sN.seconds() - s1) / (p.iterations() - 1);
    LatentFactorModel sModel = SparkAls.toModel(sN.model(), train);
    double sQuality = quality(p, sModel, train, test, known);
    String sparkOwn = "";
    if (!p.implicit()) {
      Dataset<Row> knownDf = spark.frame(known);
      double[] own = spark.rmse(sN.model(), knownDf);
      sparkOwn = String.format(Locale.ROOT, " (Spark's RegressionEvaluator: rmse %.4f on %d pairs)", own[0],
          (long) own[1]);
      knownDf.unpersist();
    }
    trainDf.unpersist();
    System.out.printf("spark:   fit(1) %.3f s, fit(%d) %.3f s -> %.4f s/iter; %s %.4f%s%s%n", s1, p.iterations(),
        sN.seconds(), sPer, metric, sQuality, sparkOwn, fitDiagnostics(p, sModel, train));
    System.out.printf("ratio: Kindred is %.1fx faster per iteration; %s Kindred %.4f vs Spark %.4f%n", sPer / kPer,
        metric, kQuality, sQuality);
    String mode = p.implicit() ? "implicit" : "explicit";
    return String.format(Locale.ROOT,
        "| %s | %s | %d x %d | %d / %d | %d | %d | %s / %s, %s | %s | %.3f | %.4f | %.1fx | %s %.4f | %s %.4f |",
        p.data(), mode, train.numUsers(), train.numItems(), train.size(), known == null ? test.size() : known.size(),
        p.rank(), p.iterations(), p.sparkLambda(), p.kindredLambda(), p.weighted(), p.implicit() ? p.alpha() : "-",
        sPer, kPer, sPer / kPer, metric, sQuality, metric, kQuality);
  }

  /** A result and the wall time it took. */
  record Timed<T>(T value, double seconds) {}

  private static Timed<LatentFactorModel> timeKindred(Params p, int iterations, Interactions train, double[] epochs) {
    ProgressListener listener = epochs == null ? ProgressListener.NONE
        : r -> epochs[r.epoch() - 1] = r.epochNanos() / 1e9;
    long t0 = System.nanoTime();
    LatentFactorModel m = kindredTrainer(p, iterations).fit(train, null, listener);
    return new Timed<>(m, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Kindred's side, in one place: the trainer for (rank, iterations, lambda, alpha, threads,
   * implicit), everything else at the trainer's defaults.
   */
  static Trainer<LatentFactorModel> kindredTrainer(Params p, int iterations) {
    if (p.implicit()) {
      ImplicitAlsConfig c = ImplicitAlsConfig.DEFAULTS.withFactors(p.rank()).withIterations(iterations)
          .withRegularization(p.kindredLambda()).withAlpha(p.alpha()).withWeightedLambda(p.weighted())
          .withThreads(p.threads()).withSeed(p.seed());
      return new ImplicitAlsTrainer(p.kindredSolver() == null ? c : c.withSolver(p.kindredSolver()));
    }
    AlsConfig c = AlsConfig.DEFAULTS.withFactors(p.rank()).withIterations(iterations)
        .withRegularization(p.kindredLambda()).withWeightedLambda(p.weighted()).withThreads(p.threads())
        .withSeed(p.seed());
    return new AlsTrainer(p.kindredSolver() == null ? c : c.withSolver(p.kindredSolver()));
  }

  /** Recall@20 (implicit) or RMSE on the known pairs (explicit), by kindred-eval. */
  static double quality(Params p, LatentFactorModel m, Interactions train, Interactions test, Interactions known) {
    if (p.implicit()) {
      EvalOptions o = EvalOptions.defaults().withThreads(p.threads());
      return Evaluator.rankingMetrics(new FactorRecommender(m), train, test, new int[] {20}, o).get("recall@20");
    }
    return Evaluator.ratingMetrics(m, known).get("rmse");
  }

  /**
   * For explicit data, the training RMSE and the ALS-WR objective both systems minimise,
   * {@code sum (r - pred)^2 + lambda (sum_u n_u |p_u|^2 + sum_i n_i |q_i|^2)} with Spark's lambda: a
   * lower objective with a worse test RMSE points at the model (Kindred centres on the mean), a
   * higher one at the solver.
   */
  private static String fitDiagnostics(Params p, LatentFactorModel m, Interactions train) {
    if (p.implicit()) return "";
    double rmse = Evaluator.ratingMetrics(m, train).get("rmse");
    double penalty = 0;
    for (int u = 0; u < train.numUsers(); u++) penalty += train.userDegree(u) * squaredNorm(m.userFactors().row(u));
    for (int i = 0; i < train.numItems(); i++) penalty += train.itemDegree(i) * squaredNorm(m.itemFactors().row(i));
    double objective = rmse * rmse * train.size() + p.sparkLambda() * penalty;
    return String.format(Locale.ROOT, "; train rmse %.4f, ALS-WR objective %.1f", rmse, objective);
  }

  private static double squaredNorm(float[] v) {
    double s = 0;
    for (float x : v) s += (double) x * x;
    return s;
  }

  /** Test pairs whose user and item both occur in training. */
  static Interactions knownPairs(Interactions train, Interactions test) {
    int[] ptr = test.userPtr();
    int[] idx = test.itemIdx();
    boolean[] keep = new boolean[test.size()];
    for (int u = 0; u < test.numUsers(); u++) {
      for (int j = ptr[u]; j < ptr[u + 1]; j++) {
        keep[j] = u < train.numUsers() && train.userDegree(u) > 0 && idx[j] < train.numItems()
            && train.itemDegree(idx[j]) > 0;
      }
    }
    return test.select(keep);
  }

  static Split load(Params p, Path dir) throws IOException {
    return switch (p.data()) {
      case "ml-100k" -> shared(dir.resolve("ml-100k"), "u1.base", "u1.test", InteractionFormat.ML_100K, false);
      case "ml-100k-implicit" -> {
        Path f = require(dir.resolve("ml-100k").resolve("u.data"));
        Interactions all = InteractionReader.read(f, InteractionFormat.ML_100K, ReadOptions.DEFAULTS.withImplicit(true))
            .data();
        yield Splits.perUser(all, 0.25, p.seed());
      }
      case "gowalla" -> shared(dir.resolve("gowalla-lightgcn"), "train.txt", "test.txt", InteractionFormat.LIGHTGCN,
          true);
      case "synthetic" -> {
        SyntheticConfig c = SyntheticConfig.of(50_000, 20_000, 1_000_000, p.seed()).withImplicit(true);
        yield Splits.perUser(new SyntheticGenerator(c).generateInMemory(), 0.2, p.seed());
      }
      default -> throw new IllegalArgumentException(
          "unknown data set '" + p.data() + "': expected ml-100k, ml-100k-implicit, gowalla or synthetic");
    };
  }

  private static Split shared(Path dir, String train, String test, InteractionFormat format, boolean implicit)
      throws IOException {
    List<LoadResult> r = InteractionReader.readShared(List.of(require(dir.resolve(train)), require(dir.resolve(test))),
        format, ReadOptions.DEFAULTS.withImplicit(implicit));
    return new Split(r.get(0).data(), r.get(1).data());
  }

  private static Path require(Path f) {
    if (!Files.isReadable(f)) {
      throw new IllegalArgumentException(
          f + " not found (pass --datasets DIR, the folder holding the shared data sets)");
    }
    return f;
  }

  /**
   * Defaults per data set, overridden by flags: (lambda, alpha) chosen by a grid on Kindred's side
   * with the ALS-WR objective both systems then share (lambda in {0.01..10}, alpha in {0.5..80});
   * see docs/benchmarks.md.
   */
  static Params params(Map<String, String> f) {
    String data = f.get("data");
    boolean implicit = !data.equals("ml-100k");
    String[] lambdaAlpha = switch (data) {
      case "ml-100k" -> new String[] {"0.1", "0"};
      case "ml-100k-implicit" -> new String[] {"0.4", "5"};
      case "gowalla" -> new String[] {"1", "40"};
      default -> new String[] {"1", "1"};
    };
    float lambda = Float.parseFloat(f.getOrDefault("lambda", lambdaAlpha[0]));
    String solver = f.get("kindred-solver");
    return new Params(data,
        Integer.parseInt(f.getOrDefault("rank", "64")),
        Integer.parseInt(f.getOrDefault("iterations", "10")),
        lambda,
        Float.parseFloat(f.getOrDefault("kindred-lambda", Float.toString(lambda))),
        Float.parseFloat(f.getOrDefault("alpha", lambdaAlpha[1])),
        Integer.parseInt(f.getOrDefault("threads", "2")),
        Integer.parseInt(f.getOrDefault("blocks", "2")),
        implicit,
        Boolean.parseBoolean(f.getOrDefault("weighted", "true")),
        solver == null ? null : AlsSolver.valueOf(solver.toUpperCase(Locale.ROOT)),
        Long.parseLong(f.getOrDefault("seed", "42")),
        !f.getOrDefault("systems", "both").equals("kindred"));
  }

  /** Flags before the first --data are shared; each --data starts a run that may override them. */
  static List<Map<String, String>> parse(String[] args) {
    Map<String, String> common = new HashMap<>();
    List<Map<String, String>> runs = new ArrayList<>();
    Map<String, String> current = common;
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --flag value, got '" + args[i] + "'");
      }
      String key = args[i].substring(2);
      String value = args[++i];
      if (key.equals("data")) {
        current = new HashMap<>(common);
        runs.add(current);
      }
      current.put(key, value);
    }
    if (runs.isEmpty()) {
      for (String d : List.of("ml-100k", "ml-100k-implicit", "gowalla", "synthetic")) {
        Map<String, String> m = new HashMap<>(common);
        m.put("data", d);
        runs.add(m);
      }
    }
    for (Map<String, String> r : runs) {
      if (Integer.parseInt(r.getOrDefault("iterations", "10")) < 2) {
        throw new IllegalArgumentException("--iterations must be >= 2 (time per iteration is a difference of fits)");
      }
    }
    return runs;
  }
}
