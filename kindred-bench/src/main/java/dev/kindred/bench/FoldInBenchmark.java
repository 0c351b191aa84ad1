package dev.kindred.bench;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.FoldInRule;
import dev.kindred.core.IdIndex;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Provenance;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import dev.kindred.math.FactorMatrix;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fold-in of one user with 100 interactions at k = 64 against a 40,000-item model: the user vector
 * alone ({@code foldIn*}), and fold-in plus exact top-10 over all items ({@code foldInAndRecommend}).
 * Rules: implicit ALS ridge (Gram cached), explicit ridge, SGD (squared, 100 epochs) and BPR.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FoldInBenchmark {

  @Param({"ials", "als", "sgd", "bpr"})
  String rule;

  static final int ITEMS = 40_000;
  static final int K = 64;
  static final int HISTORY = 100;

  private FactorRecommender rec;
  private int[] items;
  private float[] values;

  @Setup
  public void setup() {
    SplittableRandom rng = new SplittableRandom(11);
    FactorMatrix p = new FactorMatrix(1, K);
    FactorMatrix q = new FactorMatrix(ITEMS, K);
    q.fillGaussian(rng.split(), 0.1f);
    FoldInRule r = switch (rule) {
      case "ials" -> new FoldInRule.Ridge(0.1f, true, 20f, false);
      case "als" -> new FoldInRule.Ridge(0.05f, false, 0f, true);
      case "sgd" -> new FoldInRule.Sgd(0.015f, 0.07f, 100, false, 1);
      default -> new FoldInRule.Sgd(0.05f, 0.01f, 20, true, 1);
    };
    Provenance prov = Provenance.builder(rule).size(1, ITEMS, 0).seed(1).createdAtMillis(0).kindredVersion("bench")
        .build();
    LatentFactorModel m = new LatentFactorModel(prov, IdIndex.identity(1), IdIndex.identity(ITEMS), 0f, null, null,
        p, q, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, r);
    rec = new FactorRecommender(m);
    items = rng.ints(HISTORY, 0, ITEMS).distinct().toArray();
    values = new float[items.length];
    for (int j = 0; j < values.length; j++) values[j] = 1 + rng.nextInt(5);
    rec.foldIn(items, values); // computes the cached Gram outside the measurement
  }

  @Benchmark
  public float[] foldIn() {
    return rec.foldIn(items, values).vector();
  }

  @Benchmark
  public ScoredItems foldInAndRecommend() {
    return rec.recommendFromHistory(items, values, 10, RecommendOptions.ALL);
  }
}
