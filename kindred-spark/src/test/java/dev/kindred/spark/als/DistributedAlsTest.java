package dev.kindred.spark.als;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.FoldInRule;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Model;
import dev.kindred.core.ModelFile;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.eval.Evaluator;
import dev.kindred.math.FactorMatrix;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import dev.kindred.spark.TestSpark;
import dev.kindred.train.als.AlsConfig;
import dev.kindred.train.als.AlsTrainer;
import dev.kindred.train.als.ImplicitAlsConfig;
import dev.kindred.train.als.ImplicitAlsTrainer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed ALS and implicit ALS on local[2] against the single-machine trainers on the same
 * planted data and indices. Tolerances: metrics within 1% relative; factors within 1e-3 absolute
 * (float rounding differs only through the summation order of the Gram matrix and of each row's
 * entries, which follows the blocks).
 */
class DistributedAlsTest {

  private static SparkSession spark;
  private static JavaSparkContext sc;
  private static Split implicitSplit;
  private static Split explicitSplit;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    implicitSplit = Splits.perUser(new SyntheticGenerator(SyntheticConfig.of(500, 300, 20_000, 7L).withImplicit(true))
        .generateInMemory(), 0.2, 7L);
    explicitSplit = Splits.perUser(new SyntheticGenerator(SyntheticConfig.of(400, 250, 16_000, 11L))
        .generateInMemory(), 0.2, 11L);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static SparkInteractions distribute(Interactions data) {
    return SparkInteractions.of(sc, data, 3, StorageLevel.MEMORY_ONLY());
  }

  private static final ImplicitAlsConfig IALS = ImplicitAlsConfig.DEFAULTS.withFactors(16).withIterations(6)
      .withRegularization(5f).withAlpha(10f);
  private static final AlsConfig ALS = AlsConfig.DEFAULTS.withFactors(8).withIterations(6);

  @Test
  void implicitMatchesSingleMachine() {
    Interactions train = implicitSplit.train();
    LatentFactorModel single = new ImplicitAlsTrainer(IALS).fit(train);
    SparkInteractions data = distribute(train);
    LatentFactorModel dist = new DistributedImplicitAls(IALS, SparkTrainingOptions.DEFAULTS.withBlocks(3, 2)).fit(data);
    Map<String, Double> s = Evaluator.rankingMetrics(new FactorRecommender(single), train, implicitSplit.test(),
        new int[] {20});
    Map<String, Double> d = Evaluator.rankingMetrics(new FactorRecommender(dist), train, implicitSplit.test(),
        new int[] {20});
    assertTrue(s.get("recall@20") > 0.1, "planted data is learnable: " + s);
    assertEquals(s.get("recall@20"), d.get("recall@20"), 0.01 * s.get("recall@20"), "single " + s + " vs " + d);
    assertEquals(s.get("ndcg@20"), d.get("ndcg@20"), 0.01 * s.get("ndcg@20"), "single " + s + " vs " + d);
    assertClose(single.userFactors(), dist.userFactors(), 1e-3f);
    assertClose(single.itemFactors(), dist.itemFactors(), 1e-3f);
    assertEquals(new FoldInRule.Ridge(IALS.regularization(), true, IALS.alpha(), false), dist.foldInRule());
    assertEquals("spark", dist.provenance().config().get("trainedOn"));
    assertEquals(data.fingerprint(), dist.provenance().dataFingerprint());
    data.unpersist();
  }

  @Test
  void explicitMatchesSingleMachine() {
    Interactions train = explicitSplit.train();
    LatentFactorModel single = new AlsTrainer(ALS).fit(train);
    LatentFactorModel dist = new DistributedAls(ALS, SparkTrainingOptions.DEFAULTS.withBlocks(2, 3))
        .fit(distribute(train));
    double s = Evaluator.ratingMetrics(single, explicitSplit.test()).get("rmse");
    double d = Evaluator.ratingMetrics(dist, explicitSplit.test()).get("rmse");
    assertTrue(s < 1.2, "planted data is learnable: rmse " + s);
    assertEquals(s, d, 0.01 * s, "rmse single " + s + " vs distributed " + d);
    assertClose(single.userFactors(), dist.userFactors(), 1e-3f);
    assertEquals(single.scoreMin(), dist.scoreMin());
    assertEquals(single.scoreMax(), dist.scoreMax());
  }

  @Test
  void awkwardBlockCountsAndEmptyRowsGiveTheSameModel() {
    // Users 3 and the last two, items 5 and the last one, have no interactions.
    Interactions train = withEmptyRows(explicitSplit.train());
    LatentFactorModel ref = new AlsTrainer(ALS.withSolver(dev.kindred.train.als.AlsSolver.CHOLESKY)).fit(train);
    SparkInteractions data = distribute(train);
    for (int[] blocks : new int[][] {{1, 1}, {3, 7}, {7, 3}}) {
      LatentFactorModel m = new DistributedAls(ALS.withSolver(dev.kindred.train.als.AlsSolver.CHOLESKY),
          SparkTrainingOptions.DEFAULTS.withBlocks(blocks[0], blocks[1])).fit(data);
      assertClose(ref.userFactors(), m.userFactors(), 1e-3f);
      assertClose(ref.itemFactors(), m.itemFactors(), 1e-3f);
      for (int u : new int[] {3, train.numUsers() - 2, train.numUsers() - 1}) {
        assertTrue(isZero(m.userFactors(), u), "user " + u + " without interactions keeps a zero vector");
      }
      assertTrue(isZero(m.itemFactors(), 5) && isZero(m.itemFactors(), train.numItems() - 1),
          "items without interactions keep zero vectors");
    }
    data.unpersist();
  }

  @Test
  void implicitWithAwkwardBlockCountsAndEmptyRowsMatchesSingleMachine() {
    // Empty source blocks send no Gram partial: their rows are zero, so the Gram sum is unchanged.
    Interactions train = withEmptyRows(implicitSplit.train());
    LatentFactorModel ref = new ImplicitAlsTrainer(IALS).fit(train);
    SparkInteractions data = distribute(train);
    for (int[] blocks : new int[][] {{1, 1}, {4, 7}, {7, 4}}) {
      LatentFactorModel m = new DistributedImplicitAls(IALS, SparkTrainingOptions.DEFAULTS.withBlocks(blocks[0],
          blocks[1])).fit(data);
      assertClose(ref.userFactors(), m.userFactors(), 1e-3f);
      assertClose(ref.itemFactors(), m.itemFactors(), 1e-3f);
      assertTrue(isZero(m.userFactors(), 3) && isZero(m.itemFactors(), 5), "rows without interactions stay zero");
    }
    data.unpersist();
  }

  @Test
  void anIterationIsOneJobOfTwoStages() throws TimeoutException {
    // solve users, ship users | solve items, ship items for the next iteration: the join and
    // cogroup inputs are co-partitioned, so only the messages shuffle; the Gram matrices travel
    // inside them. (fit(2) and fit(5) both pay the first iteration's extra stage shipping the initial items.)
    SparkInteractions data = distribute(implicitSplit.train());
    SparkTrainingOptions opts = SparkTrainingOptions.DEFAULTS.withBlocks(3, 2);
    for (boolean implicit : new boolean[] {true, false}) {
      long[] two = countJobsAndStages(() -> fit(implicit, 2, opts, data));
      long[] five = countJobsAndStages(() -> fit(implicit, 5, opts, data));
      assertEquals(3, five[0] - two[0], (implicit ? "implicit" : "explicit") + ": jobs for 3 more iterations");
      assertEquals(6, five[1] - two[1], (implicit ? "implicit" : "explicit") + ": stages run for 3 more iterations");
    }
    data.unpersist();
  }

  private static void fit(boolean implicit, int iterations, SparkTrainingOptions opts, SparkInteractions data) {
    if (implicit) {
      new DistributedImplicitAls(IALS.withIterations(iterations), opts).fit(data);
    } else {
      new DistributedAls(ALS.withIterations(iterations), opts).fit(data);
    }
  }

  /** Jobs started and stages submitted (skipped stages are never submitted) while {@code r} runs. */
  private static long[] countJobsAndStages(Runnable r) throws TimeoutException {
    AtomicLong jobs = new AtomicLong();
    AtomicLong stages = new AtomicLong();
    SparkListener l = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        jobs.incrementAndGet();
      }

      @Override
      public void onStageSubmitted(SparkListenerStageSubmitted e) {
        stages.incrementAndGet();
      }
    };
    sc.sc().addSparkListener(l);
    try {
      r.run();
      // LiveListenerBus is private[spark] in Scala, public in bytecode; waitUntilEmpty is its test hook.
      sc.sc().listenerBus().waitUntilEmpty(60_000L);
    } finally {
      sc.sc().removeSparkListener(l);
    }
    return new long[] {jobs.get(), stages.get()};
  }

  @Test
  void checkpointAndResumeGiveTheUninterruptedModel(@TempDir Path dir) throws Exception {
    SparkInteractions data = distribute(implicitSplit.train());
    SparkTrainingOptions opts = SparkTrainingOptions.DEFAULTS.withBlocks(2, 3);
    LatentFactorModel whole = new DistributedImplicitAls(IALS, opts).fit(data);
    String ckpt = dir.resolve("ckpt").toUri().toString();
    // A job that stopped after its checkpoint at iteration 4, then a restart that resumes it.
    new DistributedImplicitAls(IALS.withIterations(4), opts.withCheckpoints(ckpt, 2)).fit(data);
    LatentFactorModel resumed = new DistributedImplicitAls(IALS, opts.withCheckpoints(ckpt, 2).withResume(true))
        .fit(data);
    assertEquals("4", resumed.provenance().config().get("spark.resumedAfterIteration"));
    assertClose(whole.userFactors(), resumed.userFactors(), 1e-4f);
    assertClose(whole.itemFactors(), resumed.itemFactors(), 1e-4f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DistributedImplicitAls(IALS.withAlpha(3f), opts.withCheckpoints(ckpt, 2).withResume(true)).fit(data));
    assertTrue(e.getMessage().contains("different configuration"), e.getMessage());
    // the resumed run checkpointed again at iteration 6: a request for 3 must not return it
    e = assertThrows(IllegalArgumentException.class,
        () -> new DistributedImplicitAls(IALS.withIterations(3), opts.withCheckpoints(ckpt, 2).withResume(true))
            .fit(data));
    assertTrue(e.getMessage().contains("beyond the 3 iterations"), e.getMessage());
    // Regression: a fresh fit (no resume) in a folder holding later checkpoints of an earlier fit
    // deleted the checkpoint it had just written, then failed reading it back.
    new DistributedImplicitAls(IALS.withIterations(4), opts.withCheckpoints(ckpt, 2)).fit(data);
    try (var names = java.nio.file.Files.list(dir.resolve("ckpt"))) {
      assertEquals(java.util.List.of("iter-000002", "iter-000004"),
          names.map(x -> x.getFileName().toString()).filter(x -> x.startsWith("iter-")).sorted().toList());
    }
    // the model file round trip
    Path file = dir.resolve("m.model");
    ModelFile.write(resumed, file);
    Model back = ModelFile.read(file);
    LatentFactorModel lf = assertInstanceOf(LatentFactorModel.class, back);
    assertEquals(resumed.userFactors(), lf.userFactors());
    assertEquals(resumed.itemFactors(), lf.itemFactors());
    assertEquals(resumed.provenance().config(), lf.provenance().config());
    assertEquals(resumed.foldInRule(), lf.foldInRule());
    data.unpersist();
  }

  @Test
  void refusesNegativeImplicitValuesAndBadOptions() {
    Interactions train = explicitSplit.train();
    float[] v = train.values().clone();
    v[7] = -1f;
    SparkInteractions data = distribute(train.withValues(v));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DistributedImplicitAls(IALS, SparkTrainingOptions.DEFAULTS).fit(data));
    assertTrue(e.getMessage().contains("must be finite and >= 0") && e.getMessage().contains("-1.0"), e.getMessage());
    data.unpersist();
    e = assertThrows(IllegalArgumentException.class, () -> SparkTrainingOptions.DEFAULTS.withBlocks(0));
    assertTrue(e.getMessage().contains("block counts must be > 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SparkTrainingOptions.DEFAULTS.withCheckpoints(null, 2));
    assertTrue(e.getMessage().contains("needs a checkpointDir"), e.getMessage());
  }

  /** The data re-indexed into a larger id space, leaving users 3, n, n+1 and items 5, m empty. */
  private static Interactions withEmptyRows(Interactions d) {
    int nu = d.numUsers() + 3;
    int ni = d.numItems() + 2;
    int n = d.size();
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    int at = 0;
    for (int user = 0; user < d.numUsers(); user++) {
      for (int j = d.userPtr()[user]; j < d.userPtr()[user + 1]; j++, at++) {
        u[at] = user >= 3 ? user + 1 : user;
        int item = d.itemIdx()[j];
        i[at] = item >= 5 ? item + 1 : item;
        v[at] = d.values()[j];
      }
    }
    return Interactions.fromCoo(IdIndex.identity(nu), IdIndex.identity(ni), nu, ni, u, i, v, null, n,
        dev.kindred.core.DuplicatePolicy.LAST);
  }

  private static boolean isZero(FactorMatrix m, int r) {
    for (int c = 0; c < m.dim(); c++) {
      if (m.get(r, c) != 0f) {
        return false;
      }
    }
    return true;
  }

  private static void assertClose(FactorMatrix a, FactorMatrix b, float tol) {
    assertEquals(a.rows(), b.rows());
    assertEquals(a.dim(), b.dim());
    float worst = 0;
    for (int r = 0; r < a.rows(); r++) {
      for (int c = 0; c < a.dim(); c++) {
        worst = Math.max(worst, Math.abs(a.get(r, c) - b.get(r, c)));
      }
    }
    assertTrue(worst <= tol, "largest factor difference " + worst + " > " + tol);
  }
}
