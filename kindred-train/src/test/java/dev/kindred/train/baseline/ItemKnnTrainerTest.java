package dev.kindred.train.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.Interactions;
import dev.kindred.core.ItemItemModel;
import dev.kindred.core.ItemItemRecommender;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.train.baseline.ItemKnnConfig.Weighting;
import org.junit.jupiter.api.Test;

/**
 * Similarities on the hand case {@link Hand#fourByFour()}, worked out on paper (tolerance 1e-6,
 * float rounding of values near 1):
 * <pre>
 *   cosine(0,1) = 2 / (sqrt3 sqrt3) = 2/3     cosine(0,2) = 1 / (sqrt3 sqrt2) = 0.408248
 *   cosine(0,3) = 1 / sqrt3        = 0.577350 cosine(1,2) = 2 / (sqrt3 sqrt2) = 0.816497
 *   cosine(1,3) = cosine(2,3) = 0 (no common user)
 * </pre>
 */
class ItemKnnTrainerTest {

  static final double TOL = 1e-6;

  static final ItemKnnConfig COSINE = ItemKnnConfig.DEFAULTS.withWeighting(Weighting.NONE);

  static ItemItemModel fit(Interactions data, ItemKnnConfig c) {
    return new ItemKnnTrainer(c).fit(data);
  }

  @Test
  void cosineOnTheHandCase() {
    ItemItemModel m = fit(Hand.fourByFour(), COSINE);
    assertThat(m.layout()).isEqualTo(ItemItemModel.Layout.SPARSE);
    assertThat(m.neighbourPtr()).containsExactly(0, 3, 5, 7, 8);
    assertThat(m.neighbourIdx()).containsExactly(1, 2, 3, 0, 2, 0, 1, 0);
    double[] expected = {2.0 / 3, 1 / Math.sqrt(6), 1 / Math.sqrt(3), 2.0 / 3, 2 / Math.sqrt(6), 1 / Math.sqrt(6),
        2 / Math.sqrt(6), 1 / Math.sqrt(3)};
    for (int p = 0; p < expected.length; p++) {
      assertThat((double) m.neighbourWeights()[p]).as("entry %d", p).isCloseTo(expected[p], within(TOL));
    }
  }

  @Test
  void keepsTheTopNeighboursOnly() {
    ItemItemModel m = fit(Hand.fourByFour(), COSINE.withNeighbours(2));
    assertThat(m.neighbourPtr()).containsExactly(0, 2, 4, 6, 7);
    assertThat(m.neighbourIdx()).as("0 keeps 1 (0.667) and 3 (0.577), drops 2 (0.408)")
        .containsExactly(1, 3, 0, 2, 0, 1, 0);
    ItemItemRecommender rec = new ItemItemRecommender(m);
    // u2 has {1, 2}: item 0 scores S[1][0] + S[2][0] = 2/3 + 1/sqrt6; item 3 is reached by neither.
    ScoredItems s = rec.recommend(2, 5, RecommendOptions.excludeSeen(m.histories()));
    assertThat(s.items()).containsExactly(0, 3);
    assertThat((double) s.scores()[0]).isCloseTo(2.0 / 3 + 1 / Math.sqrt(6), within(TOL));
    assertThat(s.scores()[1]).isZero();
    assertThat(rec.similarItems(0, 3).items()).containsExactly(1, 3);
  }

  @Test
  void tfidfWeightsFollowTheFormula() {
    // N = 4 items; user degrees 2, 3, 2, 2 -> idf = ln 4 - ln 3, ln 4 - ln 4 = 0, ln 4 - ln 3, ln 4 - ln 3.
    // Binary, so tf = sqrt(1) = 1 and item i's vector is idf over its users, then normalised.
    float[] v = ItemKnnTrainer.itemVectors(Hand.fourByFour(), ItemKnnConfig.DEFAULTS.withWeighting(Weighting.TFIDF));
    double h = 1 / Math.sqrt(2);
    // CSR order: u0 {0, 1}, u1 {0, 1, 2}, u2 {1, 2}, u3 {0, 3}
    double[] expected = {h, h, 0, 0, 0, h, 1, h, 1};
    assertThat(v).hasSize(expected.length);
    for (int p = 0; p < v.length; p++) assertThat((double) v[p]).as("entry %d", p).isCloseTo(expected[p], within(TOL));
    ItemItemModel m = fit(Hand.fourByFour(), ItemKnnConfig.DEFAULTS.withWeighting(Weighting.TFIDF));
    // S(0,1) = h*h (u0) = 0.5; S(0,2) = 0 (only u1, whose idf is 0); S(0,3) = h (u3); S(1,2) = h (u2).
    assertThat(m.weight(0, 1)).isCloseTo(0.5f, within(1e-6f));
    assertThat(m.weight(0, 3)).isCloseTo((float) h, within(1e-6f));
    assertThat(m.weight(1, 2)).isCloseTo((float) h, within(1e-6f));
    assertThat(m.weight(0, 2)).isZero();
  }

  @Test
  void tfidfUsesTheSquareRootOfValues() {
    Interactions d = Hand.of(3, new int[][] {{0, 1}, {0}, {2}}, new float[][] {{4, 9}, {16}, {1}});
    float[] v = ItemKnnTrainer.itemVectors(d, ItemKnnConfig.DEFAULTS.withWeighting(Weighting.TFIDF).withBinary(false));
    double idf0 = Math.log(3) - Math.log(3); // u0 has 2 items
    double idf1 = Math.log(3) - Math.log(2);
    // item 0: (u0: 2 idf0, u1: 4 idf1) normalised; item 1: (u0: 3 idf0); item 2: (u2: 1 idf1)
    double n0 = Math.hypot(2 * idf0, 4 * idf1);
    assertThat((double) v[0]).isCloseTo(2 * idf0 / n0, within(TOL));
    assertThat((double) v[1]).as("zero vector stays zero").isZero();
    assertThat((double) v[2]).isCloseTo(4 * idf1 / n0, within(TOL));
    assertThat((double) v[3]).isCloseTo(1, within(TOL));
  }

  @Test
  void bm25WeightsFollowTheFormula() {
    // Values as counts; K1 = 1.2, B = 0.75. Item sums s = 3, 1, 5 (mean 3); users have 2, 1, 2 items.
    Interactions d = Hand.of(3, new int[][] {{0, 2}, {1}, {0, 2}}, new float[][] {{2, 4}, {1}, {1, 1}});
    ItemKnnConfig c = ItemKnnConfig.DEFAULTS.withWeighting(Weighting.BM25).withBinary(false);
    float[] v = ItemKnnTrainer.itemVectors(d, c);
    double k1 = 1.2;
    double b = 0.75;
    double[] s = {3, 1, 5};
    double[] idf = {Math.log(3) - Math.log(3), Math.log(3) - Math.log(2), Math.log(3) - Math.log(3)};
    int[] user = {0, 0, 1, 2, 2};
    int[] item = {0, 2, 1, 0, 2};
    double[] x = {2, 4, 1, 1, 1};
    for (int p = 0; p < 5; p++) {
      double len = 1 - b + b * s[item[p]] / 3;
      double expected = x[p] * (k1 + 1) / (k1 * len + x[p]) * idf[user[p]];
      assertThat((double) v[p]).as("entry %d", p).isCloseTo(expected, within(TOL));
    }
    // One literal: u1's item 1, x = 1, L = 0.25 + 0.75 / 3 = 0.5: 2.2 / 1.6 * ln 1.5 = 0.5575145.
    assertThat((double) v[2]).isCloseTo(0.5575145, within(1e-6));
    // BM25 is not normalised: similarity is the plain dot product.
    ItemItemModel m = fit(d, c);
    assertThat((double) m.weight(0, 2)).isCloseTo(v[0] * v[1] + v[3] * v[4], within(TOL));
  }

  @Test
  void sameModelForAnyThreadCount() {
    Interactions d = new SyntheticGenerator(SyntheticConfig.of(300, 200, 6000, 3).withImplicit(true))
        .generateInMemory();
    for (Weighting w : Weighting.values()) {
      ItemItemModel one = fit(d, ItemKnnConfig.DEFAULTS.withWeighting(w).withNeighbours(15).withThreads(1));
      ItemItemModel three = fit(d, ItemKnnConfig.DEFAULTS.withWeighting(w).withNeighbours(15).withThreads(3));
      assertThat(three.neighbourPtr()).isEqualTo(one.neighbourPtr());
      assertThat(three.neighbourIdx()).isEqualTo(one.neighbourIdx());
      assertThat(three.neighbourWeights()).isEqualTo(one.neighbourWeights());
      for (int i = 0; i < d.numItems(); i++) {
        assertThat(one.neighbourPtr()[i + 1] - one.neighbourPtr()[i]).isLessThanOrEqualTo(15);
      }
    }
  }

  @Test
  void neighbourListsAreTheTopOfTheBruteForceRow() {
    Interactions d = new SyntheticGenerator(SyntheticConfig.of(200, 80, 3000, 5).withImplicit(true))
        .generateInMemory();
    ItemItemModel m = fit(d, COSINE.withNeighbours(10));
    int n = d.numItems();
    double[][] cos = new double[n][n];
    for (int u = 0; u < d.numUsers(); u++) {
      int[] it = d.itemsOf(u);
      for (int a : it) for (int b : it) cos[a][b] += 1;
    }
    for (int i = 0; i < n; i++) {
      double[] row = new double[n];
      for (int j = 0; j < n; j++) {
        row[j] = cos[i][i] == 0 || cos[j][j] == 0 ? 0 : cos[i][j] / Math.sqrt(cos[i][i] * cos[j][j]);
      }
      int kept = m.neighbourPtr()[i + 1] - m.neighbourPtr()[i];
      double lowestKept = Double.POSITIVE_INFINITY;
      for (int p = m.neighbourPtr()[i]; p < m.neighbourPtr()[i + 1]; p++) {
        int j = m.neighbourIdx()[p];
        assertThat((double) m.neighbourWeights()[p]).isCloseTo(row[j], within(1e-5));
        lowestKept = Math.min(lowestKept, row[j]);
      }
      long better = 0;
      for (int j = 0; j < n; j++) if (j != i && row[j] > lowestKept + 1e-5) better++;
      assertThat(better).as("items beating the kept ones for %d", i).isLessThanOrEqualTo(kept);
    }
  }

  @Test
  void invalidConfigIsRejectedWithTheReason() {
    assertThatThrownBy(() -> ItemKnnConfig.DEFAULTS.withNeighbours(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("neighbours must be > 0, got 0");
    assertThatThrownBy(() -> ItemKnnConfig.DEFAULTS.withB(1.5f)).hasMessage("b must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> ItemKnnConfig.DEFAULTS.withK1(-1)).hasMessage("k1 must be >= 0, got -1.0");
    assertThatThrownBy(() -> ItemKnnConfig.DEFAULTS.withThreads(0)).hasMessage("threads must be > 0, got 0");
    assertThatThrownBy(() -> ItemKnnConfig.DEFAULTS.withWeighting(null)).hasMessage("weighting must not be null");
  }
}
