package dev.kindred.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.RecommendOptions;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** End-to-end evaluation of tiny hand-built models; tolerance 1e-6. */
class EvaluatorTest {

  private static final Offset<Double> TOL = within(1e-6);

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  // --- rating metrics -----------------------------------------------------------------------------

  /**
   * mu = 3, b_u = [0.5, -0.5], b_i = [0, 1, -1], p = [[1], [2]], q = [[0.5], [0], [-0.5]]:
   * score(0,0) = 3 + 0.5 + 0 + 0.5 = 4.0, score(0,2) = 3 + 0.5 - 1 - 0.5 = 2.0,
   * score(1,1) = 3 - 0.5 + 1 + 0 = 3.5.
   */
  private static LatentFactorModel ratingModel() {
    return Fixtures.model(3f, new float[] {0.5f, -0.5f}, new float[] {0f, 1f, -1f},
        new float[][] {{1f}, {2f}}, new float[][] {{0.5f}, {0f}, {-0.5f}});
  }

  @Test
  void rmseAndMaeOnPairsInsideTheModel() {
    // 3 users x 4 items: (1, 3) has an item and (2, 0) a user the 2 x 3 model does not know.
    Interactions test = Fixtures.interactions(3, 4, new double[][] {
        {0, 0, 5}, {0, 2, 2}, {1, 1, 3}, {1, 3, 4}, {2, 0, 4}});
    Map<String, Double> m = Evaluator.ratingMetrics(ratingModel(), test);
    // errors 4 - 5 = -1, 2 - 2 = 0, 3.5 - 3 = 0.5
    // RMSE = sqrt((1 + 0 + 0.25) / 3) = 0.6454972, MAE = (1 + 0 + 0.5) / 3 = 0.5
    assertThat(m.keySet()).containsExactly("rmse", "mae");
    assertThat(m.get("rmse")).isCloseTo(Math.sqrt(1.25 / 3), TOL).isCloseTo(0.6454972, TOL);
    assertThat(m.get("mae")).isCloseTo(0.5, TOL);
    // the one-pass accumulation agrees with the pure functions
    float[] predicted = {4f, 2f, 3.5f};
    float[] actual = {5f, 2f, 3f};
    assertThat(RatingMetrics.rmse(predicted, actual)).isCloseTo(m.get("rmse"), TOL);
    assertThat(RatingMetrics.mae(predicted, actual)).isCloseTo(m.get("mae"), TOL);
  }

  @Test
  void ratingMetricsRejectATestSetEntirelyOutsideTheModel() {
    Interactions test = Fixtures.interactions(3, 3, new double[][] {{2, 0, 4}});
    assertThatThrownBy(() -> Evaluator.ratingMetrics(ratingModel(), test))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("none of the 1 test pairs falls inside the model (2 users x 3 items)");
    assertThatThrownBy(() -> RatingMetrics.rmse(new float[0], new float[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // --- ranking metrics ----------------------------------------------------------------------------

  /**
   * 4 users x 5 items, dim 2, no biases. q = i0 (1, 0), i1 (0, 1), i2 (0.75, 0.75), i3 (0.25, 0.5),
   * i4 (-1, -1).
   * u0 = (1, 0):   scores 1, 0, 0.75, 0.25, -1       -> ranking [0, 2, 3, 1, 4]
   * u1 = (0, 1):   scores 0, 1, 0.75, 0.5, -1        -> ranking [1, 2, 3, 0, 4]
   * u2 = (0.5, 1): scores 0.5, 1, 1.125, 0.625, -1.5 -> ranking [2, 1, 3, 0, 4]
   * u3 = (0, 0):   no test items, never evaluated.
   */
  private static FactorRecommender rankingRecommender() {
    return new FactorRecommender(rankingModel());
  }

  private static LatentFactorModel rankingModel() {
    return Fixtures.model(0f, null, null,
        new float[][] {{1f, 0f}, {0f, 1f}, {0.5f, 1f}, {0f, 0f}},
        new float[][] {{1f, 0f}, {0f, 1f}, {0.75f, 0.75f}, {0.25f, 0.5f}, {-1f, -1f}});
  }

  /** Each of u0, u1, u2 has its own top item in training. */
  private static final Interactions TRAIN = Fixtures.interactions(4, 5, new double[][] {
      {0, 0, 1}, {1, 1, 1}, {2, 2, 1}});

  /** u0 {3}, u1 {0, 4}, u2 {1}; the values matter only for the threshold test. */
  private static final Interactions TEST = Fixtures.interactions(4, 5, new double[][] {
      {0, 3, 5}, {1, 0, 2}, {1, 4, 5}, {2, 1, 3}});

  private static EvalOptions oneThread() {
    return EvalOptions.defaults().withThreads(1);
  }

  @Test
  void trainingItemsAreExcludedByDefault() {
    FactorRecommender rec = rankingRecommender();
    // with u's training item removed: u0 [2, 3, 1, 4], u1 [2, 3, 0, 4], u2 [1, 3, 0, 4]
    RecommendOptions seen = RecommendOptions.excludeSeen(TRAIN);
    assertThat(rec.recommend(0, 4, seen).items()).containsExactly(2, 3, 1, 4);
    assertThat(rec.recommend(1, 4, seen).items()).containsExactly(2, 3, 0, 4);
    assertThat(rec.recommend(2, 4, seen).items()).containsExactly(1, 3, 0, 4);

    Map<String, Double> m = Evaluator.rankingMetrics(rec, TRAIN, TEST, new int[] {1, 2}, oneThread());
    assertThat(m.keySet()).containsExactly(
        "precision@1", "recall@1", "f1@1", "ndcg@1", "map@1", "hr@1", "mrr@1", "coverage@1",
        "precision@2", "recall@2", "f1@2", "ndcg@2", "map@2", "hr@2", "mrr@2", "coverage@2",
        "users_evaluated");
    assertThat(m.get("users_evaluated")).isEqualTo(3.0); // u3 has no test item
    // K = 1: top-1 u0 [2] miss, u1 [2] miss, u2 [1] hit -> every per-user metric (0 + 0 + 1) / 3
    for (String key : new String[] {"precision@1", "recall@1", "f1@1", "ndcg@1", "map@1", "hr@1", "mrr@1"}) {
      assertThat(m.get(key)).as(key).isCloseTo(1.0 / 3, TOL);
    }
    // coverage@1: {2, 2, 1} -> 2 distinct of 5 items
    assertThat(m.get("coverage@1")).isCloseTo(2.0 / 5, TOL);
    // K = 2: u0 [2, 3] hit at rank 2 of |R| = 1; u1 [2, 3] miss; u2 [1, 3] hit at rank 1 of |R| = 1
    // precision (1/2 + 0 + 1/2) / 3 = 1/3; recall (1 + 0 + 1) / 3 = 2/3
    assertThat(m.get("precision@2")).isCloseTo(1.0 / 3, TOL);
    assertThat(m.get("recall@2")).isCloseTo(2.0 / 3, TOL);
    // f1 per user: u0 2 (1/2)(1) / (3/2) = 2/3, u1 0, u2 2/3 -> (4/3) / 3 = 4/9
    assertThat(m.get("f1@2")).isCloseTo(4.0 / 9, TOL);
    // ndcg: u0 (1/log2(3)) / 1, u1 0, u2 1 -> (1/log2(3) + 1) / 3
    assertThat(m.get("ndcg@2")).isCloseTo((1 / log2(3) + 1) / 3, TOL);
    // map: u0 (1/2) / min(1, 2), u1 0, u2 1 -> (1/2 + 1) / 3 = 1/2
    assertThat(m.get("map@2")).isCloseTo(0.5, TOL);
    assertThat(m.get("hr@2")).isCloseTo(2.0 / 3, TOL);
    // mrr: (1/2 + 0 + 1) / 3 = 1/2
    assertThat(m.get("mrr@2")).isCloseTo(0.5, TOL);
    // coverage@2: {2, 3} + {2, 3} + {1, 3} -> {1, 2, 3}: 3 / 5
    assertThat(m.get("coverage@2")).isCloseTo(3.0 / 5, TOL);
  }

  @Test
  void trainingItemsAreRankedWhenNotExcluded() {
    Map<String, Double> m = Evaluator.rankingMetrics(rankingRecommender(), TRAIN, TEST, new int[] {1, 2},
        oneThread().withExcludeTrain(false));
    // every user's top-1 is now its training item: u0 [0], u1 [1], u2 [2] -> no hit at K = 1
    for (String key : new String[] {"precision@1", "recall@1", "f1@1", "ndcg@1", "map@1", "hr@1", "mrr@1"}) {
      assertThat(m.get(key)).as(key).isZero();
    }
    // coverage@1: {0, 1, 2}: 3 / 5 (items 0 and 1 were unreachable at K = 1 with exclusion)
    assertThat(m.get("coverage@1")).isCloseTo(3.0 / 5, TOL);
    // K = 2: u0 [0, 2] miss, u1 [1, 2] miss, u2 [2, 1] hit at rank 2 of |R| = 1
    assertThat(m.get("precision@2")).isCloseTo((1.0 / 2) / 3, TOL);
    assertThat(m.get("recall@2")).isCloseTo(1.0 / 3, TOL);
    assertThat(m.get("f1@2")).isCloseTo((2.0 / 3) / 3, TOL);
    assertThat(m.get("ndcg@2")).isCloseTo((1 / log2(3)) / 3, TOL);
    assertThat(m.get("map@2")).isCloseTo((1.0 / 2) / 3, TOL);
    assertThat(m.get("hr@2")).isCloseTo(1.0 / 3, TOL);
    assertThat(m.get("mrr@2")).isCloseTo((1.0 / 2) / 3, TOL);
    assertThat(m.get("coverage@2")).isCloseTo(3.0 / 5, TOL);
  }

  @Test
  void relevanceThresholdSkipsUsersWithoutRelevantItemsAndKsComeOutSorted() {
    // >= 4: u0 {3}, u1 {4}; u2's only test value is 3, so u2 is skipped
    Map<String, Double> m = Evaluator.rankingMetrics(rankingRecommender(), TRAIN, TEST, new int[] {4, 2},
        oneThread().withRelevanceThreshold(4.0));
    assertThat(m.get("users_evaluated")).isEqualTo(2.0);
    assertThat(m.keySet()).startsWith("precision@2").contains("coverage@4").endsWith("users_evaluated");
    // K = 2: u0 [2, 3] hit at rank 2, u1 [2, 3] miss
    assertThat(m.get("precision@2")).isCloseTo(0.25, TOL);
    assertThat(m.get("recall@2")).isCloseTo(0.5, TOL);
    // K = 4: u0 [2, 3, 1, 4] hit at rank 2, u1 [2, 3, 0, 4] hit at rank 4
    assertThat(m.get("precision@4")).isCloseTo((1.0 / 4 + 1.0 / 4) / 2, TOL);
    assertThat(m.get("recall@4")).isCloseTo(1.0, TOL);
    assertThat(m.get("ndcg@4")).isCloseTo((1 / log2(3) + 1 / log2(5)) / 2, TOL);
    assertThat(m.get("map@4")).isCloseTo((1.0 / 2 + 1.0 / 4) / 2, TOL);
    assertThat(m.get("mrr@4")).isCloseTo((1.0 / 2 + 1.0 / 4) / 2, TOL);
    assertThat(m.get("hr@4")).isCloseTo(1.0, TOL);
    // coverage@4 over u0 and u1 only: {2, 3, 1, 4} + {2, 3, 0, 4} = all 5 items
    assertThat(m.get("coverage@4")).isCloseTo(1.0, TOL);
  }

  @Test
  void batchesAndThreadsDoNotChangeTheResult() {
    Map<String, Double> whole = Evaluator.rankingMetrics(rankingRecommender(), TRAIN, TEST, new int[] {1, 2, 3},
        oneThread());
    Map<String, Double> batched = Evaluator.rankingMetrics(rankingRecommender(), TRAIN, TEST, new int[] {1, 2, 3},
        oneThread().withBatchSize(1).withThreads(2));
    assertThat(batched).containsExactlyEntriesOf(whole);
  }

  @Test
  void testUsersBeyondTheTrainingDataAreSkipped() {
    // train knows users 0..2 only; test user 3 has a relevant item but cannot be recommended for
    Interactions train = Fixtures.interactions(3, 5, new double[][] {{0, 0, 1}, {1, 1, 1}, {2, 2, 1}});
    Interactions test = Fixtures.interactions(4, 5, new double[][] {
        {0, 3, 5}, {1, 0, 2}, {1, 4, 5}, {2, 1, 3}, {3, 0, 1}});
    Map<String, Double> m = Evaluator.rankingMetrics(rankingRecommender(), train, test, new int[] {2}, oneThread());
    assertThat(m.get("users_evaluated")).isEqualTo(3.0);
    assertThat(m.get("precision@2")).isCloseTo(1.0 / 3, TOL);
  }

  @Test
  void invalidArgumentsAreRejectedWithAMessage() {
    FactorRecommender rec = rankingRecommender();
    assertThatThrownBy(() -> Evaluator.rankingMetrics(rec, TRAIN, TEST, new int[] {}, oneThread()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("at least one cutoff K is needed");
    assertThatThrownBy(() -> Evaluator.rankingMetrics(rec, TRAIN, TEST, new int[] {5, 0}, oneThread()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("cutoffs K must be positive, got [5, 0]");
    assertThatThrownBy(() -> Evaluator.rankingMetrics(rec, TRAIN, TEST, new int[] {2, 2}, oneThread()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("cutoffs K must be distinct, got [2, 2]");
    assertThatThrownBy(() -> Evaluator.rankingMetrics(rec, TRAIN, TEST, new int[] {2},
        oneThread().withRelevanceThreshold(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no test user has a relevant item (value >= 10.0) among 4 test pairs; nothing to evaluate");
    assertThatThrownBy(() -> oneThread().withThreads(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("threads must be positive, got 0");
    assertThatThrownBy(() -> oneThread().withBatchSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("batchSize must be positive, got 0");
    assertThatThrownBy(() -> oneThread().withRelevanceThreshold(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("relevanceThreshold must not be NaN");
  }

  @Test
  void perUserMetricsReproduceTheAggregateAndAddBeyondAccuracy() {
    FactorRecommender rec = rankingRecommender();
    UserMetrics per = Evaluator.perUserMetrics(rec, TRAIN, TEST, new int[] {1, 2}, oneThread(),
        rankingModel().itemFactors(), true);
    assertThat(per.users()).containsExactly(0, 1, 2);
    Map<String, Double> aggregate = Evaluator.rankingMetrics(rec, TRAIN, TEST, new int[] {1, 2}, oneThread());
    Map<String, Double> means = per.means();
    for (Map.Entry<String, Double> e : aggregate.entrySet()) {
      assertThat(means.get(e.getKey())).as(e.getKey()).isCloseTo(e.getValue(), TOL);
    }
    // lists (training item excluded): u0 [2, 3], u1 [2, 3], u2 [1, 3]
    assertThat(per.lists()[2]).containsExactly(1, 3);
    // ndcg@2 per user: u0 1/log2(3), u1 0, u2 1
    assertThat(per.perUser().get("ndcg@2")).containsExactly(new double[] {1 / log2(3), 0, 1}, TOL);
    // train degrees [1, 1, 1, 0, 0] over 3 users; 3 interactions, head (>= 2.4) = {0, 1, 2}
    // novelty@2: -log2(1/3) for the seen item, -log2(1/3) for item 3 (degree 0 counts as 1)
    assertThat(per.perUser().get("novelty@2")).containsExactly(new double[] {log2(3), log2(3), log2(3)}, TOL);
    assertThat(per.perUser().get("avg_popularity@2")).containsExactly(new double[] {0.5, 0.5, 0.5}, TOL);
    assertThat(per.perUser().get("avg_popularity@1")).containsExactly(new double[] {1, 1, 1}, TOL);
    assertThat(per.perUser().get("long_tail_share@2")).containsExactly(new double[] {0.5, 0.5, 0.5}, TOL);
    // ild@2: cos((0.75, 0.75), (0.25, 0.5)) = 0.5625 / (1.0606602 * 0.5590170) = 0.9486833;
    // cos((0, 1), (0.25, 0.5)) = 0.5 / 0.5590170 = 0.8944272
    assertThat(per.perUser().get("ild@2")).containsExactly(new double[] {0.0513167, 0.0513167, 0.1055728},
        within(1e-6));
    assertThat(means.get("ild@1")).isNaN();
    // auc over the 4 candidates left: u0 item 3 (0.25) beats 1 (0) and 4 (-1), loses to 2 (0.75): 2/3;
    // u1 items 0 (0) and 4 (-1) lose to 2 (0.75) and 3 (0.5): 0; u2 item 1 (1) beats all three: 1
    assertThat(per.perUser().get("auc")).containsExactly(new double[] {2.0 / 3, 0, 1}, TOL);
    // exposure@2 counts [0, 1, 2, 3, 0]: sorted [0, 0, 1, 2, 3], (0 + 0 + 0 + 4 + 12) / (5 * 6)
    assertThat(means.get("gini@2")).isCloseTo(16.0 / 30, TOL);
    assertThat(means.get("coverage@2")).isCloseTo(3.0 / 5, TOL);
    // without item factors or AUC the keys are absent; batching does not change anything
    UserMetrics plain = Evaluator.perUserMetrics(rec, TRAIN, TEST, new int[] {2, 1}, oneThread().withBatchSize(1),
        null, false);
    assertThat(plain.perUser()).doesNotContainKeys("ild@2", "auc");
    assertThat(plain.perUser().get("ndcg@2")).containsExactly(per.perUser().get("ndcg@2"));
  }

  @Test
  void defaultsLiveInOnePlace() {
    EvalOptions d = EvalOptions.defaults();
    assertThat(d.excludeTrain()).isTrue();
    assertThat(d.relevanceThreshold()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(d.batchSize()).isEqualTo(EvalOptions.DEFAULT_BATCH_SIZE);
    assertThat(d.threads()).isPositive();
  }
}
