package dev.kindred.train.bpr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NegativeSamplerTest {

  /** Item degrees 0, 1, 2, ..., 19 as CSC pointers. */
  static int[] itemPtr() {
    int[] ptr = new int[21];
    for (int i = 0; i < 20; i++) ptr[i + 1] = ptr[i] + i;
    return ptr;
  }

  @Test
  void negativesAreNeverPositivesAndEveryNonItemIsReachable() {
    int[] ptr = itemPtr();
    // Rows: sparse; positives at both ends; empty; and every item but 0 and 1, whose popularity
    // weights are 0 and 1 of 190, so that most draws exhaust the proposals and take the fallback.
    int[] dense = new int[18];
    for (int x = 0; x < 18; x++) dense[x] = x + 2;
    int[][] rows = {{3, 8, 15}, {0, 19}, {}, dense};
    NegativeSampler[] samplers = {NegativeSampler.uniform(20), NegativeSampler.popularity(ptr, 1.0)};
    for (int sIdx = 0; sIdx < samplers.length; sIdx++) {
      NegativeSampler s = samplers[sIdx];
      SplittableRandom rng = new SplittableRandom(11);
      for (int[] row : rows) {
        // Embedded at an offset inside a longer array, as a CSR row is.
        int[] csr = new int[row.length + 4];
        Arrays.fill(csr, -7);
        System.arraycopy(row, 0, csr, 2, row.length);
        boolean[] seen = new boolean[20];
        for (int t = 0; t < 20_000; t++) {
          int j = s.draw(rng, csr, 2, 2 + row.length);
          assertThat(j).isBetween(0, 19);
          assertThat(Arrays.binarySearch(row, j)).as("negative %d drawn from row %s", j, Arrays.toString(row)).isNegative();
          seen[j] = true;
        }
        for (int i = 0; i < 20; i++) {
          // Under popularity item 0 has weight 0: only the fallback (dense row) can return it.
          boolean reachable = Arrays.binarySearch(row, i) < 0 && (sIdx == 0 || i > 0 || row == dense);
          assertThat(seen[i]).as("item %d drawn for row %s by sampler %d", i, Arrays.toString(row), sIdx)
              .isEqualTo(reachable);
        }
      }
    }
  }

  @Test
  void aUserWithEveryItemHasNoNegative() {
    int[] all = new int[20];
    for (int i = 0; i < 20; i++) all[i] = i;
    assertThat(NegativeSampler.uniform(20).draw(new SplittableRandom(1), all, 0, 20)).isEqualTo(-1);
    assertThat(NegativeSampler.popularity(itemPtr(), 0.5).draw(new SplittableRandom(1), all, 0, 20)).isEqualTo(-1);
  }

  @Test
  void popularityProposalsFollowDegreeToTheExponent() {
    int[] ptr = itemPtr();
    for (double exponent : new double[] {1.0, 0.5}) {
      NegativeSampler s = NegativeSampler.popularity(ptr, exponent);
      int n = 400_000;
      int[] counts = new int[20];
      SplittableRandom rng = new SplittableRandom(5);
      for (int t = 0; t < n; t++) counts[s.propose(rng)]++;
      double total = 0;
      for (int i = 0; i < 20; i++) total += Math.pow(i, exponent);
      assertThat(counts[0]).as("zero-degree item").isZero();
      for (int i = 1; i < 20; i++) {
        double p = Math.pow(i, exponent) / total;
        double sd = Math.sqrt(n * p * (1 - p));
        // Five standard deviations: a false failure has odds below one in a million per item.
        assertThat((double) counts[i]).as("item %d, exponent %s", i, exponent).isCloseTo(n * p,
            org.assertj.core.api.Assertions.within(5 * sd));
      }
    }
  }

  @Test
  void exponentZeroAndUniformAreTheSameDistribution() {
    NegativeSampler s = NegativeSampler.popularity(itemPtr(), 0.0);
    int[] counts = new int[20];
    SplittableRandom rng = new SplittableRandom(9);
    for (int t = 0; t < 200_000; t++) counts[s.propose(rng)]++;
    // Each item 10,000 expected, sd about 97.
    for (int c : counts) assertThat(c).isBetween(9_500, 10_500);
  }

  @Test
  void rejectsAllZeroWeights() {
    assertThatThrownBy(() -> NegativeSampler.popularity(new int[] {0, 0, 0}, 1.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum to 0.0");
    assertThatThrownBy(() -> NegativeSampler.uniform(0)).hasMessage("numItems must be > 0, got 0");
  }
}
