package dev.kindred.spark.sgd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.Recommenders;
import dev.kindred.core.SideFeatures;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.math.CsrMatrix;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import dev.kindred.spark.TestSpark;
import dev.kindred.train.hybrid.HybridConfig;
import dev.kindred.train.hybrid.HybridTrainer;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The distributed hybrid model on local[2] against the single-machine trainer on planted taste
 * groups with the group as an item feature: user {@code u} and item {@code i} belong to group
 * {@code u mod G} and {@code i mod G}; each user picks {@value #PER_USER} distinct items, each from
 * its own group with probability {@value #IN_GROUP}, else uniformly. The distributed fit's NDCG@10 on
 * a per-user 20% hold-out must be at least 98% of the single-machine fit's (the acceptance of
 * issue 11 item 7), under SYNC and ASYNC. Measured (800 users, seed 7, 2 blocks): single machine
 * 0.2462, SYNC 0.2458, ASYNC (staleness 1, 10,000 steps a round) 0.2508; a random ranking is about
 * 0.03.
 */
class DistributedHybridTest {

  static final int GROUPS = 6;
  static final int PER_USER = 30;
  static final double IN_GROUP = 0.9;

  static SparkSession spark;
  static Interactions train;
  static Interactions test;
  static SideFeatures features;
  static SparkInteractions data;
  static double single;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
    Split split = Splits.perUser(planted(800, 300, 11), 0.2, 3);
    train = split.train();
    test = split.test();
    features = new SideFeatures(null, itemGroups(train.numItems()));
    data = SparkInteractions.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), train, 4,
        StorageLevel.MEMORY_ONLY());
    single = ndcg(new HybridTrainer(config()).fit(train, null, features, ProgressListener.NONE));
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  static HybridConfig config() {
    return HybridConfig.DEFAULTS.withFactors(16).withEpochs(10).withThreads(1).withSeed(7);
  }

  static Interactions planted(int users, int items, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] us = new int[users * PER_USER];
    int[] is = new int[users * PER_USER];
    int n = 0;
    for (int u = 0; u < users; u++) {
      java.util.BitSet mine = new java.util.BitSet(items);
      while (mine.cardinality() < PER_USER) {
        int i = rng.nextDouble() < IN_GROUP ? u % GROUPS + GROUPS * rng.nextInt(items / GROUPS) : rng.nextInt(items);
        if (mine.get(i)) continue;
        mine.set(i);
        us[n] = u;
        is[n++] = i;
      }
    }
    float[] ones = new float[n];
    java.util.Arrays.fill(ones, 1f);
    return Interactions.fromCoo(IdIndex.identity(users), IdIndex.identity(items), users, items, us, is, ones, null, n,
        dev.kindred.core.DuplicatePolicy.LAST);
  }

  /** One feature per item, its group, of weight 1. */
  static CsrMatrix itemGroups(int items) {
    int[] ptr = new int[items + 1];
    int[] col = new int[items];
    float[] val = new float[items];
    for (int i = 0; i < items; i++) {
      ptr[i + 1] = i + 1;
      col[i] = i % GROUPS;
      val[i] = 1f;
    }
    return new CsrMatrix(items, GROUPS, ptr, col, val);
  }

  static double ndcg(LatentFactorModel m) {
    return Evaluator.rankingMetrics(Recommenders.of(m), train, test, new int[] {10}, EvalOptions.defaults().withThreads(1))
        .get("ndcg@10");
  }

  @Test
  void synchronousFitIsWithinTwoPercentOfTheSingleMachineFit() {
    LatentFactorModel m = DistributedHybrid.fit(data, features, config(), SparkTrainingOptions.DEFAULTS.withBlocks(2),
        DistributedSgdOptions.DEFAULTS.withMode(SyncMode.SYNC));
    double distributed = ndcg(m);
    assertThat(single).as("single-machine ndcg@10").isGreaterThan(0.15);
    assertThat(distributed).as("sync ndcg@10 %.4f vs single machine %.4f", distributed, single)
        .isGreaterThanOrEqualTo(0.98 * single);
    assertThat(m.provenance().algorithm()).isEqualTo(HybridTrainer.NAME);
    assertThat(m.provenance().config()).containsEntry("sync", "sync").containsEntry("loss", "warp");
  }

  @Test
  void asynchronousFitIsWithinTwoPercentOfTheSingleMachineFit() {
    SgdResult r = DistributedHybrid.train(data, features, config(), SparkTrainingOptions.DEFAULTS.withBlocks(2),
        DistributedSgdOptions.DEFAULTS.withMode(SyncMode.ASYNC).withStaleness(1).withStepsPerRound(10_000),
        RoundListener.NONE);
    double distributed = ndcg(r.model());
    assertThat(distributed).as("async ndcg@10 %.4f vs single machine %.4f", distributed, single)
        .isGreaterThanOrEqualTo(0.98 * single);
    assertThat(r.stats().maxClockGap()).isLessThanOrEqualTo(1);
  }

  @Test
  void refusesAdamAndDsgd() {
    SparkTrainingOptions o = SparkTrainingOptions.DEFAULTS.withBlocks(2);
    assertThatThrownBy(() -> DistributedHybrid.fit(data, features, config().withSchedule(HybridConfig.Schedule.ADAM), o,
        DistributedSgdOptions.DEFAULTS.withMode(SyncMode.SYNC)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("adagrad");
    assertThatThrownBy(() -> DistributedHybrid.fit(data, features, config(), o, DistributedSgdOptions.DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not dsgd");
  }
}
