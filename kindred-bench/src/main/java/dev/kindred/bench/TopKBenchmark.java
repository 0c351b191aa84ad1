package dev.kindred.bench;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.FactorRecommender;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Provenance;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import dev.kindred.math.FactorMatrix;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Batch exact top-10 ({@link FactorRecommender#recommendAll}) of {@code users} users over
 * {@code items} items with {@code k} factors, excluding {@value #SEEN} random training items per
 * user: {@code 2 * k * items * users} flops per call (the scoring; masking and selection are the
 * overhead the number includes). The {@code flops} column is GFLOP/s (flops per ns); divide by
 * {@link PeakFlopsBenchmark}'s figure for the same thread count to get the fraction of peak.
 *
 * <p>{@code perUser} is the single-user path ({@code recommend} in a loop, one gemv per user), the
 * readable reference the batch path replaced.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar kindred-bench/target/kindred-bench.jar
 * TopK -wi 2 -i 3 -w 1 -r 1 -f 1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class TopKBenchmark {

  static final int SEEN = 30;
  static final int TOP = 10;

  @Param({"40000"})
  int items;

  @Param({"64"})
  int k;

  @Param({"1024"})
  int users;

  @Param({"1", "2"})
  int threads;

  private FactorRecommender recommender;
  private RecommendOptions options;
  private int[] batch;

  /** Flops done so far; reported as a rate (GFLOP/s). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flops {
    public long flops;

    @Setup(Level.Iteration)
    public void clear() {
      flops = 0;
    }
  }

  @Setup
  public void setup() {
    SplittableRandom rng = new SplittableRandom(11);
    FactorMatrix p = new FactorMatrix(users, k);
    FactorMatrix q = new FactorMatrix(items, k);
    p.fillGaussian(rng.split(), 0.3f);
    q.fillGaussian(rng.split(), 0.3f);
    Provenance prov = Provenance.builder("bench").seed(11L).threads(threads).size(users, items, 0).createdAtMillis(0)
        .kindredVersion("bench").build();
    LatentFactorModel model = new LatentFactorModel(prov, IdIndex.identity(users), IdIndex.identity(items), 0f, null,
        null, p, q);
    recommender = new FactorRecommender(model);
    int n = users * SEEN;
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    for (int r = 0; r < n; r++) {
      u[r] = r / SEEN;
      i[r] = rng.nextInt(items);
      v[r] = 1f;
    }
    Interactions seen = Interactions.fromCoo(IdIndex.identity(users), IdIndex.identity(items), users, items, u, i, v,
        null, n, DuplicatePolicy.LAST);
    options = RecommendOptions.excludeSeen(seen);
    batch = new int[users];
    for (int j = 0; j < users; j++) batch[j] = j;
    recommender.recommendAll(new int[] {0}, TOP, options, 1); // packs the item panels outside the timing
  }

  @Benchmark
  public ScoredItems[] batch(Flops counter) {
    counter.flops += 2L * k * items * users;
    return recommender.recommendAll(batch, TOP, options, threads);
  }

  @Benchmark
  public ScoredItems perUser(Flops counter) {
    ScoredItems last = null;
    for (int u : batch) last = recommender.recommend(u, TOP, options);
    counter.flops += 2L * k * items * users;
    return last;
  }
}
