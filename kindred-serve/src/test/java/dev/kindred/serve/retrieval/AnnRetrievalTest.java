package dev.kindred.serve.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import dev.kindred.math.FactorMatrix;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Layer (c): HNSW retrieval against brute force on a planted factor set of 20,000 items, k = 32,
 * with item biases and exclusions; plus the paths that must stay exact.
 */
class AnnRetrievalTest {

  static PlantedFactors data;
  static FactorRecommender exact;
  static AnnRecommender ann;

  @BeforeAll
  static void build() {
    data = PlantedFactors.generate(2_000, 20_000, 32, 40, 7L);
    exact = new FactorRecommender(data.model);
    RetrievalConfig d = RetrievalConfig.DEFAULTS;
    HnswItemIndex index = HnswItemIndex.build(data.model.itemFactors(), data.model.itemBiases(), d.annSpace(),
        d.annHeadFraction(), d.annM(), d.annEfConstruction(), 42L);
    ann = new AnnRecommender(exact, index, d.annEfSearch());
  }

  /** The default settings (unit sphere, 2% head, M 16, efConstruction 100, efSearch 100); measured 0.966. */
  @Test
  void recallAt10AgainstBruteForceWithSeenItemsExcludedIsAtLeast095() {
    RecallProbe.Report r = RecallProbe.measure(exact, ann, data.model.numUsers(), data.seen, 500, 10, 11L, 1);
    assertThat(r.users()).isEqualTo(500);
    assertThat(r.recall()).as("ANN recall@10 vs exact, 500 users, efSearch 100").isGreaterThanOrEqualTo(0.95);
  }

  /** The raw inner-product layout on the same set (measured 0.999 at efSearch 100). */
  @Test
  void theInnerProductSpaceAlsoReaches095OnPlantedFactors() {
    HnswItemIndex mip = HnswItemIndex.build(data.model.itemFactors(), data.model.itemBiases(), AnnSpace.INNER_PRODUCT,
        0, 16, 100, 42L);
    RecallProbe.Report r = RecallProbe.measure(exact, new AnnRecommender(exact, mip, 100), data.model.numUsers(),
        data.seen, 500, 10, 11L, 1);
    assertThat(r.recall()).as("inner-product recall@10, efSearch 100").isGreaterThanOrEqualTo(0.95);
  }

  /**
   * With {@code ef} at least the catalogue size the search reaches every node of a connected graph,
   * so the unit-sphere layout (bias column, lift, head kept out) must give exactly the exact lists:
   * it keeps the model's order. (Under the raw inner product a node can have no in-edges, since the
   * inner product is not a metric; on this set one of user 42's top-10 items is unreachable, which
   * is why recall under {@link AnnSpace#INNER_PRODUCT} can stall below 1 however large {@code ef}.)
   */
  @Test
  void withEfCoveringTheCatalogueTheUnitSphereReturnsTheExactLists() {
    PlantedFactors small = PlantedFactors.generate(200, 1_500, 16, 10, 13L);
    FactorRecommender ex = new FactorRecommender(small.model);
    HnswItemIndex index = HnswItemIndex.build(small.model.itemFactors(), small.model.itemBiases(),
        AnnSpace.UNIT_SPHERE, 0.01, 8, 50, 1L);
    assertThat(index.headSize()).isEqualTo(15);
    AnnRecommender an = new AnnRecommender(ex, index, 1_500);
    for (int u = 0; u < 200; u += 7) {
      RecommendOptions o = RecommendOptions.excludeSeen(small.seen);
      assertThat(an.recommend(u, 10, o).items()).as("user " + u).containsExactly(ex.recommend(u, 10, o).items());
    }
  }

  @Test
  void annListsNeverContainExcludedItemsAndAreFullLength() {
    int[] users = RecallProbe.sample(data.model.numUsers(), 200, 3L);
    for (int u : users) {
      int[] seenItems = data.seen.itemsOf(u);
      // also exclude the user's exact best three unseen items: the ANN list must skip them too
      ScoredItems top = exact.recommend(u, 3, RecommendOptions.excludeSeen(data.seen));
      RecommendOptions o = RecommendOptions.excludeSeen(data.seen).withExcludeItems(top.items());
      ScoredItems got = ann.recommend(u, 10, o);
      assertThat(got.size()).isEqualTo(10);
      for (int i : got.items()) {
        assertThat(seenItems).doesNotContain(i);
        assertThat(top.items()).doesNotContain(i);
      }
    }
  }

  @Test
  void scoresAreTheModelsScoresBestFirst() {
    ScoredItems got = ann.recommend(5, 10, RecommendOptions.ALL);
    for (int j = 0; j < got.size(); j++) {
      assertThat(got.scores()[j]).isCloseTo(data.model.score(5, got.items()[j]), org.assertj.core.data.Offset.offset(1e-4f));
      if (j > 0) assertThat(got.scores()[j]).isLessThanOrEqualTo(got.scores()[j - 1]);
    }
  }

  /** A clear-cut case: one item is planted along a user's own vector, scaled far above every other item. */
  @Test
  void exactAndAnnAgreeOnTop1WhenOneItemClearlyWins() {
    PlantedFactors set = PlantedFactors.generate(300, 5_000, 32, 10, 9L);
    FactorMatrix q = set.model.itemFactors().copy();
    int user = 17;
    int planted = 4_321;
    float[] p = set.model.userFactors().row(user);
    for (int d = 0; d < p.length; d++) q.set(planted, d, 10f * p[d]);
    var model = new dev.kindred.core.LatentFactorModel(set.model.provenance(), set.model.userIndex(),
        set.model.itemIndex(), set.model.globalMean(), set.model.userBiases(), set.model.itemBiases(),
        set.model.userFactors(), q);
    FactorRecommender ex = new FactorRecommender(model);
    assertThat(ex.recommend(user, 1, RecommendOptions.ALL).items()).containsExactly(planted);
    // No head: the planted item must be found through the graph in both layouts.
    for (AnnSpace space : AnnSpace.values()) {
      AnnRecommender an = new AnnRecommender(ex, HnswItemIndex.build(q, model.itemBiases(), space, 0, 16, 100, 42L), 100);
      assertThat(an.recommend(user, 1, RecommendOptions.ALL).items()).as(space.toString()).containsExactly(planted);
    }
  }

  @Test
  void foldedInUsersAreServedFromTheGraphWithTheirHistoryExcluded() {
    int[] users = RecallProbe.sample(data.model.numUsers(), 100, 5L);
    ScoredItems[] truth = new ScoredItems[users.length];
    ScoredItems[] got = new ScoredItems[users.length];
    for (int j = 0; j < users.length; j++) {
      int[] history = data.seen.itemsOf(users[j]);
      truth[j] = exact.recommendFromHistory(history, null, 10, RecommendOptions.ALL);
      got[j] = ann.recommendFromHistory(history, null, 10, RecommendOptions.ALL);
      for (int i : got[j].items()) assertThat(history).doesNotContain(i);
    }
    // Folded-in vectors are ridge solves, not trained rows: measured 0.933 at the defaults.
    assertThat(RecallProbe.recall(truth, got)).as("fold-in recall@10").isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void candidateListsAreServedExactly() {
    int[] candidates = {3, 99, 1_000, 5_000, 19_999, 42};
    RecommendOptions o = RecommendOptions.excludeSeen(data.seen).withCandidates(candidates);
    ScoredItems e = exact.recommend(9, 4, o);
    ScoredItems a = ann.recommend(9, 4, o);
    assertThat(a.items()).containsExactly(e.items());
    assertThat(AnnRecommender.retrievalFor(o)).isEqualTo("exact");
    assertThat(AnnRecommender.retrievalFor(RecommendOptions.ALL)).isEqualTo("ann");
  }

  @Test
  void batchMatchesSingleCalls() {
    int[] users = {0, 1, 2, 3, 4, 5, 6, 7};
    ScoredItems[] all = ann.recommendAll(users, 10, RecommendOptions.excludeSeen(data.seen), 2);
    for (int j = 0; j < users.length; j++) {
      assertThat(all[j].items()).containsExactly(ann.recommend(users[j], 10, RecommendOptions.excludeSeen(data.seen)).items());
    }
  }

  @Test
  void sampleIsSeededDistinctAndSorted() {
    int[] a = RecallProbe.sample(1_000, 50, 9L);
    assertThat(a).hasSize(50).isSorted().doesNotHaveDuplicates();
    assertThat(RecallProbe.sample(1_000, 50, 9L)).containsExactly(a);
    assertThat(RecallProbe.sample(10, 50, 9L)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  @Test
  void recallIsPooledOverLists() {
    ScoredItems[] truth = {new ScoredItems(new int[] {1, 2, 3, 4}, new float[4]), new ScoredItems(new int[] {5, 6}, new float[2])};
    ScoredItems[] got = {new ScoredItems(new int[] {1, 2, 9, 8}, new float[4]), new ScoredItems(new int[] {6, 7}, new float[2])};
    assertThat(RecallProbe.recall(truth, got)).isEqualTo(3.0 / 6.0);
  }

  @Test
  void invalidSettingsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> RetrievalConfig.DEFAULTS.withAnn(1, 100, 100))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ANN M must be in [2, 512], got 1");
    assertThatThrownBy(() -> RetrievalConfig.DEFAULTS.withAnn(16, 100, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("efSearch must be in [1, 100000], got 0");
    assertThatThrownBy(() -> RetrievalConfig.DEFAULTS.withRecallProbe(500, 10, 1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recall floor must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> HnswItemIndex.build(new FactorMatrix(3, 4), new float[2], AnnSpace.UNIT_SPHERE, 0, 16, 100, 1L))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 3 values, got 2");
  }

  @Test
  void annModeNeedsALatentFactorModel() {
    var pop = new dev.kindred.core.PopularityModel(data.model.provenance(), new float[data.model.numItems()], data.seen);
    assertThatThrownBy(() -> Retrieval.build(pop, null, RetrievalConfig.DEFAULTS.withMode(RetrievalMode.ANN)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a latent-factor model");
    assertThat(Retrieval.build(pop, null, RetrievalConfig.DEFAULTS.withMode(RetrievalMode.AUTO)).isAnn()).isFalse();
  }

  @Test
  void aRecallBelowTheFloorIsFlagged() {
    PlantedFactors small = PlantedFactors.generate(300, 3_000, 16, 10, 5L);
    Retrieval r = Retrieval.build(small.model, small.seen,
        RetrievalConfig.DEFAULTS.withMode(RetrievalMode.ANN).withAnn(2, 2, 1).withRecallProbe(300, 10, 1.0));
    assertThat(r.recall().getAsDouble()).isLessThan(1.0);
    assertThat(r.recallBelowFloor()).isTrue();
    assertThat(r.describe()).containsEntry("recall_below_floor", true);
  }

  @Test
  void autoModeUsesTheGraphAboveTheThresholdAndReportsRecall() {
    PlantedFactors set = PlantedFactors.generate(300, 3_000, 16, 10, 5L);
    RetrievalConfig small = RetrievalConfig.DEFAULTS.withMode(RetrievalMode.AUTO).withAutoThreshold(3_000);
    assertThat(Retrieval.build(set.model, set.seen, small).isAnn()).isFalse();
    Retrieval r = Retrieval.build(set.model, set.seen, small.withAutoThreshold(2_999).withRecallProbe(100, 10, 0.9));
    assertThat(r.isAnn()).isTrue();
    assertThat(r.recall()).isPresent();
    assertThat(r.recall().getAsDouble()).isGreaterThanOrEqualTo(0.9);
    assertThat(r.describe()).containsEntry("mode", "ann").containsEntry("recall_users", 100).containsKey("recall");
    assertThat(Arrays.asList(r.servedBy(false), r.servedBy(true))).containsExactly("ann", "exact");
  }
}
