package dev.kindred.bench;

import dev.kindred.core.Explainer;
import dev.kindred.core.Explanation;
import dev.kindred.core.FactorRecommender;
import dev.kindred.core.FoldInRule;
import dev.kindred.core.IdIndex;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Provenance;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import dev.kindred.math.FactorMatrix;
import java.util.Map;
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
 * What {@code ?explain=true} adds to a served top-10 of an iALS model (k = 64, 100,000 items): the
 * exact top-10 of a known user's vector ({@code recommend}, the request's main cost) against the
 * explanation of its 10 items with the top 3 contributors each ({@code explain}: the user's ridge
 * system formed and factored once, one solve per item), for users with {@code history} interactions.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ExplainBenchmark {

  @Param({"10", "40", "400"})
  int history;

  static final int ITEMS = 100_000;
  static final int K = 64;

  private FactorRecommender rec;
  private Explainer explainer;
  private Explainer.History user;
  private ScoredItems top;
  private float[] vector;

  @Setup
  public void setup() {
    SplittableRandom rng = new SplittableRandom(5);
    FactorMatrix p = new FactorMatrix(1, K);
    FactorMatrix q = new FactorMatrix(ITEMS, K);
    q.fillGaussian(rng.split(), 0.1f);
    Provenance prov = Provenance.builder("ials").size(1, ITEMS, 0).kindredVersion("bench").build();
    LatentFactorModel m = new LatentFactorModel(prov, IdIndex.identity(1), IdIndex.identity(ITEMS), 0f, null, null,
        p, q, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, new FoldInRule.Ridge(0.1f, true, 20f, false));
    rec = new FactorRecommender(m);
    explainer = Explainer.of(m);
    int[] items = rng.ints(history, 0, ITEMS).distinct().toArray();
    user = new Explainer.History(items, null);
    vector = rec.foldIn(items, null).vector();
    top = rec.recommendVector(vector, 0, 0f, -1, 10, RecommendOptions.ALL);
    explainer.explain(user, top.items(), top.scores(), 3); // computes the cached Gram outside the measurement
  }

  @Benchmark
  public ScoredItems recommend() {
    return rec.recommendVector(vector, 0, 0f, -1, 10, RecommendOptions.ALL);
  }

  @Benchmark
  public Explanation[] explain() {
    return explainer.explain(user, top.items(), top.scores(), 3);
  }
}
