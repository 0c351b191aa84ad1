package dev.kindred.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.math.FactorMatrix;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Hand-checked beyond-accuracy metrics of tiny lists; tolerance 1e-6. */
class BeyondAccuracyTest {

  private static final Offset<Double> TOL = within(1e-6);

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** Degrees [5, 3, 1, 1, 0] over 8 users; 10 interactions, so the head (>= 8) is items {0, 1}. */
  private static final ItemPopularity POP = ItemPopularity.of(new int[] {5, 3, 1, 1, 0}, 8);

  @Test
  void headIsTheFewestTopItemsHoldingEightyPercent() {
    // item 0 holds 5 of 10 (< 8); items 0 and 1 hold 8 (>= 8)
    assertThat(POP.headSize()).isEqualTo(2);
    assertThat(POP.inHead(0)).isTrue();
    assertThat(POP.inHead(1)).isTrue();
    assertThat(POP.inHead(2)).isFalse();
    // ties at the edge go to the smaller index: degrees [2, 2, 2, 2], 8 interactions, head needs 6.4 -> {0, 1, 2, 3}
    ItemPopularity flat = ItemPopularity.of(new int[] {2, 2, 2, 2}, 4);
    assertThat(flat.headSize()).isEqualTo(4);
    ItemPopularity tie = ItemPopularity.of(new int[] {1, 1, 1, 1, 1}, 5);
    // 5 interactions, head needs 4: items 0..3
    assertThat(tie.headSize()).isEqualTo(4);
    assertThat(tie.inHead(4)).isFalse();
  }

  @Test
  void noveltyIsTheMeanSelfInformation() {
    // [0, 2, 4]: -log2(5/8) = 0.6780719, -log2(1/8) = 3, item 4 (never seen) counts as degree 1: 3
    assertThat(POP.novelty(new int[] {0, 2, 4}, 3)).isCloseTo((-log2(5.0 / 8) + 3 + 3) / 3, TOL)
        .isCloseTo(2.2260240, TOL);
    assertThat(POP.novelty(new int[] {0, 2, 4}, 1)).isCloseTo(0.6780719, TOL);
    // K beyond the list: the mean over the list's own length
    assertThat(POP.novelty(new int[] {1}, 10)).isCloseTo(-log2(3.0 / 8), TOL);
    assertThat(POP.novelty(new int[0], 10)).isNaN();
  }

  @Test
  void averagePopularityAndLongTailShare() {
    // [0, 2, 4]: degrees 5, 1, 0 -> 2; items 2 and 4 are outside the head -> 2/3
    assertThat(POP.averagePopularity(new int[] {0, 2, 4}, 3)).isCloseTo(2.0, TOL);
    assertThat(POP.longTailShare(new int[] {0, 2, 4}, 3)).isCloseTo(2.0 / 3, TOL);
    // K = 2: [0, 2] -> 3 and 1/2
    assertThat(POP.averagePopularity(new int[] {0, 2, 4}, 2)).isCloseTo(3.0, TOL);
    assertThat(POP.longTailShare(new int[] {0, 2, 4}, 2)).isCloseTo(0.5, TOL);
    assertThatThrownBy(() -> POP.longTailShare(new int[] {5}, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("item 5 at rank 1 outside the catalog [0, 5)");
    assertThatThrownBy(() -> ItemPopularity.of(new int[] {1, -1}, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("degree of item 1 is negative: -1");
  }

  @Test
  void giniOfExposureAgreesWithTheMeanAbsoluteDifference() {
    // lists [0, 1] and [0, 2] over 4 items: counts [2, 1, 1, 0], 4 slots
    Exposure e = new Exposure(4, 2);
    e.add(new int[] {0, 1, 3}, 1);
    e.add(new int[] {0, 2}, 1);
    // sorted [0, 1, 1, 2], weights (2i - n - 1) = -3, -1, 1, 3: (0 - 1 + 1 + 6) / (4 * 4) = 0.375
    assertThat(e.gini()).isCloseTo(0.375, TOL).isCloseTo(meanAbsoluteDifferenceGini(new long[] {2, 1, 1, 0}), TOL);
    assertThat(e.coverage()).isCloseTo(0.75, TOL);
    // multiplicities: the same as adding a list twice
    Exposure twice = new Exposure(4, 2);
    twice.add(new int[] {0, 1}, 2);
    twice.add(new int[] {0, 2}, 2);
    assertThat(twice.gini()).isCloseTo(0.375, TOL);
    // equal exposure -> 0; one item takes every slot -> 1 - 1/n
    Exposure equal = new Exposure(4, 1);
    for (int i = 0; i < 4; i++) equal.add(new int[] {i}, 3);
    assertThat(equal.gini()).isCloseTo(0.0, TOL);
    Exposure one = new Exposure(4, 1);
    one.add(new int[] {2}, 7);
    assertThat(one.gini()).isCloseTo(0.75, TOL);
    assertThat(one.coverage()).isCloseTo(0.25, TOL);
    one.clear();
    assertThat(one.gini()).isNaN();
  }

  /** The textbook form: {@code sum_i sum_j |c_i - c_j| / (2 n^2 mean)}, the oracle for the sorted form. */
  private static double meanAbsoluteDifferenceGini(long[] c) {
    double sum = 0;
    double total = 0;
    for (long x : c) {
      total += x;
      for (long y : c) sum += Math.abs(x - y);
    }
    return sum / (2.0 * c.length * c.length * (total / c.length));
  }

  @Test
  void intraListDiversityIsTheMeanPairwiseCosineDistance() {
    FactorMatrix q = new FactorMatrix(4, 2);
    q.setRow(0, new float[] {1, 0}, 0);
    q.setRow(1, new float[] {0, 1}, 0);
    q.setRow(2, new float[] {1, 1}, 0);
    q.setRow(3, new float[] {0, 0}, 0);
    IntraListDiversity ild = new IntraListDiversity(q);
    // pairs (0,1): 1 - 0 = 1; (0,2) and (1,2): 1 - 1/sqrt(2) = 0.2928932 -> (1 + 0.5857864) / 3
    assertThat(ild.of(new int[] {0, 1, 2}, 3)).isCloseTo((1 + 2 * (1 - 1 / Math.sqrt(2))) / 3, TOL)
        .isCloseTo(0.5285955, TOL);
    assertThat(ild.of(new int[] {0, 1, 2}, 2)).isCloseTo(1.0, TOL);
    // a zero vector is at distance 1; one item has no pair
    assertThat(ild.of(new int[] {0, 3}, 2)).isCloseTo(1.0, TOL);
    assertThat(ild.of(new int[] {0, 1}, 1)).isNaN();
    // identical directions: distance 0 (up to float rounding)
    q.setRow(1, new float[] {3, 0}, 0);
    assertThat(new IntraListDiversity(q).of(new int[] {0, 1}, 2)).isCloseTo(0.0, TOL);
  }
}
