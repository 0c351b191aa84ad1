package dev.kindred.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Hand-computed cases for every ranking metric; tolerance 1e-6 (the formulas are evaluated in double). */
class RankingMetricsTest {

  private static final Offset<Double> TOL = within(1e-6);

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  // ranked [3, 1, 7, 5], relevant {1, 5, 9}: hits at ranks 2 and 4.
  private static final int[] RANKED = {3, 1, 7, 5};
  private static final int[] RELEVANT = {1, 5, 9};

  @Test
  void handComputedAtKEqualToListLength() {
    int k = 4;
    assertThat(RankingMetrics.hits(RANKED, RELEVANT)).containsExactly(false, true, false, true);
    // precision = 2 hits / K = 2/4
    assertThat(RankingMetrics.precision(RANKED, RELEVANT, k)).isCloseTo(0.5, TOL);
    // recall = 2 hits / |R| = 2/3
    assertThat(RankingMetrics.recall(RANKED, RELEVANT, k)).isCloseTo(2.0 / 3, TOL);
    // F1 = 2 * (1/2) * (2/3) / (1/2 + 2/3) = (2/3) / (7/6) = 4/7
    assertThat(RankingMetrics.f1(RANKED, RELEVANT, k)).isCloseTo(4.0 / 7, TOL);
    // NDCG = (1/log2(3) + 1/log2(5)) / (1/log2(2) + 1/log2(3) + 1/log2(4)), ideal over min(3, 4) = 3 ranks
    double ndcg = (1 / log2(3) + 1 / log2(5)) / (1 + 1 / log2(3) + 1 / log2(4));
    assertThat(ndcg).isCloseTo(0.4981893, TOL); // (0.6309298 + 0.4306766) / 2.1309298
    assertThat(RankingMetrics.ndcg(RANKED, RELEVANT, k)).isCloseTo(ndcg, TOL);
    // AP = (P@2 + P@4) / min(3, 4) = (1/2 + 2/4) / 3 = 1/3
    assertThat(RankingMetrics.averagePrecision(RANKED, RELEVANT, k)).isCloseTo(1.0 / 3, TOL);
    // HR = 1 (a hit); RR = 1 / (first hit rank 2) = 1/2
    assertThat(RankingMetrics.hitRate(RANKED, RELEVANT, k)).isCloseTo(1.0, TOL);
    assertThat(RankingMetrics.reciprocalRank(RANKED, RELEVANT, k)).isCloseTo(0.5, TOL);
  }

  @Test
  void kSmallerThanListUsesThePrefix() {
    int k = 2; // top-2 = [3, 1]: one hit at rank 2
    assertThat(RankingMetrics.precision(RANKED, RELEVANT, k)).isCloseTo(1.0 / 2, TOL);
    assertThat(RankingMetrics.recall(RANKED, RELEVANT, k)).isCloseTo(1.0 / 3, TOL);
    // F1 = 2 * (1/2) * (1/3) / (1/2 + 1/3) = (1/3) / (5/6) = 2/5
    assertThat(RankingMetrics.f1(RANKED, RELEVANT, k)).isCloseTo(0.4, TOL);
    // NDCG = (1/log2(3)) / (1 + 1/log2(3)), ideal over min(3, 2) = 2 ranks
    assertThat(RankingMetrics.ndcg(RANKED, RELEVANT, k)).isCloseTo((1 / log2(3)) / (1 + 1 / log2(3)), TOL);
    // AP = (P@2) / min(3, 2) = (1/2) / 2 = 1/4
    assertThat(RankingMetrics.averagePrecision(RANKED, RELEVANT, k)).isCloseTo(0.25, TOL);
    assertThat(RankingMetrics.reciprocalRank(RANKED, RELEVANT, k)).isCloseTo(0.5, TOL);
    // top-1 = [3]: no hit at all
    assertThat(RankingMetrics.hitRate(RANKED, RELEVANT, 1)).isZero();
    assertThat(RankingMetrics.reciprocalRank(RANKED, RELEVANT, 1)).isZero();
    assertThat(RankingMetrics.ndcg(RANKED, RELEVANT, 1)).isZero();
  }

  @Test
  void kLargerThanListDividesByKAndScoresMissingRanksAsMisses() {
    int[] ranked = {3, 1};
    int k = 5;
    // precision = 1 hit / K = 1/5 (K, not the list length 2)
    assertThat(RankingMetrics.precision(ranked, RELEVANT, k)).isCloseTo(0.2, TOL);
    assertThat(RankingMetrics.recall(ranked, RELEVANT, k)).isCloseTo(1.0 / 3, TOL);
    // F1 = 2 * (1/5) * (1/3) / (1/5 + 1/3) = (2/15) / (8/15) = 1/4
    assertThat(RankingMetrics.f1(ranked, RELEVANT, k)).isCloseTo(0.25, TOL);
    // NDCG = (1/log2(3)) / (1 + 1/log2(3) + 1/log2(4)), ideal over min(3, 5) = 3 ranks
    assertThat(RankingMetrics.ndcg(ranked, RELEVANT, k)).isCloseTo((1 / log2(3)) / (1 + 1 / log2(3) + 0.5), TOL);
    // AP = (P@2) / min(3, 5) = (1/2) / 3 = 1/6
    assertThat(RankingMetrics.averagePrecision(ranked, RELEVANT, k)).isCloseTo(1.0 / 6, TOL);
    assertThat(RankingMetrics.hitRate(ranked, RELEVANT, k)).isCloseTo(1.0, TOL);
    assertThat(RankingMetrics.reciprocalRank(ranked, RELEVANT, k)).isCloseTo(0.5, TOL);
  }

  @Test
  void perfectRankingScoresOneAndApIsNormalisedByMinOfRelevantAndK() {
    int[] relevant = {1, 2, 3, 4, 5};
    int[] ranked = {2, 1};
    // 5 relevant items but K = 2: a perfect top-2 has NDCG 1 and AP (1/1 + 2/2) / min(5, 2) = 1
    assertThat(RankingMetrics.ndcg(ranked, relevant, 2)).isCloseTo(1.0, TOL);
    assertThat(RankingMetrics.averagePrecision(ranked, relevant, 2)).isCloseTo(1.0, TOL);
    assertThat(RankingMetrics.precision(ranked, relevant, 2)).isCloseTo(1.0, TOL);
    assertThat(RankingMetrics.recall(ranked, relevant, 2)).isCloseTo(0.4, TOL);
    // F1 = 2 * 1 * 0.4 / 1.4 = 4/7
    assertThat(RankingMetrics.f1(ranked, relevant, 2)).isCloseTo(4.0 / 7, TOL);
  }

  @Test
  void emptyListScoresZero() {
    int[] empty = {};
    assertThat(RankingMetrics.precision(empty, RELEVANT, 3)).isZero();
    assertThat(RankingMetrics.recall(empty, RELEVANT, 3)).isZero();
    assertThat(RankingMetrics.f1(empty, RELEVANT, 3)).isZero();
    assertThat(RankingMetrics.ndcg(empty, RELEVANT, 3)).isZero();
    assertThat(RankingMetrics.averagePrecision(empty, RELEVANT, 3)).isZero();
    assertThat(RankingMetrics.hitRate(empty, RELEVANT, 3)).isZero();
    assertThat(RankingMetrics.reciprocalRank(empty, RELEVANT, 3)).isZero();
  }

  @Test
  void noRelevantItemsScoresZeroRatherThanNaN() {
    int[] none = {};
    assertThat(RankingMetrics.precision(RANKED, none, 4)).isZero();
    assertThat(RankingMetrics.recall(RANKED, none, 4)).isZero();
    assertThat(RankingMetrics.f1(RANKED, none, 4)).isZero();
    assertThat(RankingMetrics.ndcg(RANKED, none, 4)).isZero();
    assertThat(RankingMetrics.averagePrecision(RANKED, none, 4)).isZero();
    assertThat(RankingMetrics.hitRate(RANKED, none, 4)).isZero();
    assertThat(RankingMetrics.reciprocalRank(RANKED, none, 4)).isZero();
  }

  @Test
  void invalidInputIsRejectedWithAMessage() {
    assertThatThrownBy(() -> RankingMetrics.precision(RANKED, RELEVANT, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("k must be positive, got 0");
    assertThatThrownBy(() -> RankingMetrics.recall(RANKED, new int[] {5, 1}, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("relevant items must be strictly increasing, got 5 then 1 at position 1");
    assertThatThrownBy(() -> RankingMetrics.hits(new int[] {1, 3, 1}, RELEVANT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("item 1 appears twice in the ranked list (again at rank 3)");
    assertThatThrownBy(() -> RankingMetrics.recall(new boolean[] {true, true}, 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("numRelevant must be >= 0 and >= the 2 hits in the top 2, got 1");
  }

  // --- AUC ----------------------------------------------------------------------------------------

  @Test
  void aucHandComputed() {
    // scores: item0 .9, item1 .1, item2 .5, item3 .3, item4 .7; relevant {0, 3}
    // pairs (pos, neg): .9 beats .1, .5, .7 (3); .3 beats .1 only (1) -> 4 of 2 * 3 = 2/3
    int[] candidates = {0, 1, 2, 3, 4};
    float[] scores = {0.9f, 0.1f, 0.5f, 0.3f, 0.7f};
    assertThat(RankingMetrics.auc(candidates, scores, new int[] {0, 3})).isCloseTo(2.0 / 3, TOL);
    // a relevant item that is not a candidate (9) is ignored
    assertThat(RankingMetrics.auc(candidates, scores, new int[] {0, 3, 9})).isCloseTo(2.0 / 3, TOL);
    // perfect and reversed
    assertThat(RankingMetrics.auc(candidates, scores, new int[] {0, 4})).isCloseTo(1.0, TOL);
    assertThat(RankingMetrics.auc(candidates, scores, new int[] {1})).isCloseTo(0.0, TOL);
  }

  @Test
  void aucCountsTiesAsHalfIncludingSignedZeros() {
    // one pair, tied: 1/2
    assertThat(RankingMetrics.auc(new int[] {7, 8}, new float[] {0.5f, 0.5f}, new int[] {7})).isCloseTo(0.5, TOL);
    assertThat(RankingMetrics.auc(new int[] {7, 8}, new float[] {-0f, 0f}, new int[] {7})).isCloseTo(0.5, TOL);
    // pos {a=1.0, b=0.5}, neg {c=0.5, d=0.0}: a beats both (2), b ties c (1/2) and beats d (1) -> 3.5 / 4
    int[] c = {0, 1, 2, 3};
    float[] s = {1.0f, 0.5f, 0.5f, 0.0f};
    assertThat(RankingMetrics.auc(c, s, new int[] {0, 1})).isCloseTo(3.5 / 4, TOL);
  }

  @Test
  void aucIsUndefinedWithoutBothClasses() {
    int[] c = {0, 1};
    float[] s = {1f, 2f};
    assertThat(RankingMetrics.auc(c, s, new int[] {})).isNaN();
    assertThat(RankingMetrics.auc(c, s, new int[] {0, 1})).isNaN();
    assertThatThrownBy(() -> RankingMetrics.auc(c, new float[] {1f, Float.NaN}, new int[] {0}))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("score of candidate 1 (position 1) is NaN");
  }

  /** The rank-sum AUC agrees with the readable pair count, with many ties and negative scores. */
  @Test
  void aucAgreesWithPairCountingOracle() {
    SplittableRandom rng = new SplittableRandom(7);
    for (int n : new int[] {2, 7, 13, 64, 207}) {
      int[] candidates = new int[n];
      float[] scores = new float[n];
      for (int j = 0; j < n; j++) {
        candidates[j] = 3 * j + 1; // non-contiguous item ids
        scores[j] = rng.nextInt(-5, 6) * 0.25f; // few distinct values: many ties
      }
      int[] relevant = java.util.stream.IntStream.of(candidates).filter(x -> rng.nextInt(3) == 0).toArray();
      if (relevant.length == 0 || relevant.length == n) {
        relevant = new int[] {candidates[0]};
      }
      double expected = pairCountAuc(candidates, scores, relevant);
      assertThat(RankingMetrics.auc(candidates, scores, relevant)).as("n=%d", n).isCloseTo(expected, TOL);
    }
  }

  private static double pairCountAuc(int[] candidates, float[] scores, int[] relevant) {
    double correct = 0;
    long pairs = 0;
    for (int a = 0; a < candidates.length; a++) {
      if (java.util.Arrays.binarySearch(relevant, candidates[a]) < 0) continue;
      for (int b = 0; b < candidates.length; b++) {
        if (java.util.Arrays.binarySearch(relevant, candidates[b]) >= 0) continue;
        pairs++;
        if (scores[a] > scores[b]) correct += 1;
        else if (scores[a] == scores[b]) correct += 0.5;
      }
    }
    return correct / pairs;
  }
}
