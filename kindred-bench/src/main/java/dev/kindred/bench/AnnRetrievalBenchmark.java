package dev.kindred.bench;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.serve.retrieval.AnnRecommender;
import dev.kindred.serve.retrieval.AnnSpace;
import dev.kindred.serve.retrieval.HnswItemIndex;
import dev.kindred.serve.retrieval.RecallProbe;
import dev.kindred.train.als.ImplicitAlsConfig;
import dev.kindred.train.als.ImplicitAlsTrainer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-query top-10 latency, exact blocked scoring ({@link FactorRecommender#recommend}) vs the
 * HNSW graph ({@link AnnRecommender}), over the item factors of an implicit ALS model (k = 64)
 * trained for {@value #ITERATIONS} iterations on a generated implicit data set of 50,000 users x
 * {@code items} items, 3,000,000 events (planted rank 32, Zipf popularity 0.9): trained factors, not
 * isotropic noise, on which graph recall is much higher. Every query excludes the user's training
 * items, as the server does. SampleTime mode, so JMH prints p50 / p99 per query.
 *
 * <p>Setup prints the recall@10 of the graph against exact top-10 on 500 seeded users at the chosen
 * {@code efSearch} ("ann recall@10 = ..."), and the graph build time; the model is trained in setup
 * (about 20 s on 2 cores).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar kindred-bench/target/kindred-bench.jar
 * AnnRetrieval -f 1 -wi 2 -w 2 -i 3 -r 3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class AnnRetrievalBenchmark {

  static final int ITERATIONS = 5;
  static final int TOP = 10;

  @Param({"100000"})
  int items;

  @Param({"64"})
  int k;

  @Param({"UNIT_SPHERE"})
  AnnSpace space;

  @Param({"0.02"})
  double headFraction;

  @Param({"16"})
  int m;

  @Param({"100"})
  int efConstruction;

  @Param({"100"})
  int efSearch;

  private FactorRecommender exact;
  private AnnRecommender ann;
  private RecommendOptions options;
  private int[] users;
  private int next;

  @Setup(Level.Trial)
  public void setup() {
    SyntheticConfig data = SyntheticConfig.of(50_000, items, 3_000_000, 7L).withImplicit(true).withRank(32)
        .withPopularityExponent(0.9);
    Interactions train = new SyntheticGenerator(data).generateInMemory();
    ImplicitAlsConfig c = ImplicitAlsConfig.DEFAULTS.withFactors(k).withIterations(ITERATIONS).withThreads(2).withSeed(1L);
    LatentFactorModel model = new ImplicitAlsTrainer(c).fit(train, null, ProgressListener.NONE);
    exact = new FactorRecommender(model);
    long t0 = System.nanoTime();
    HnswItemIndex index = HnswItemIndex.build(model.itemFactors(), model.itemBiases(), space, headFraction, m,
        efConstruction, 42L);
    double build = (System.nanoTime() - t0) / 1e9;
    ann = new AnnRecommender(exact, index, efSearch);
    options = RecommendOptions.excludeSeen(train);
    RecallProbe.Report r = RecallProbe.measure(exact, ann, model.numUsers(), train, 500, TOP, 11L, 2);
    System.out.printf("%n%d items, k %d, %s (head %d items), M %d, efConstruction %d: graph built in %.1f s; "
        + "ann recall@10 = %.4f at efSearch %d (500 users)%n", model.numItems(), k, space, index.headSize(), m,
        efConstruction, build, r.recall(), efSearch);
    users = new int[4096];
    SplittableRandom rng = new SplittableRandom(3L);
    for (int j = 0; j < users.length; j++) users[j] = rng.nextInt(model.numUsers());
  }

  private int nextUser() {
    int u = users[next];
    next = (next + 1) & (users.length - 1);
    return u;
  }

  @Benchmark
  public ScoredItems exact() {
    return exact.recommend(nextUser(), TOP, options);
  }

  @Benchmark
  public ScoredItems ann() {
    return ann.recommend(nextUser(), TOP, options);
  }
}
