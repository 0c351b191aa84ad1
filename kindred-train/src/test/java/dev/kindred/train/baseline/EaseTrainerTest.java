package dev.kindred.train.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.Interactions;
import dev.kindred.core.ItemItemModel;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import org.junit.jupiter.api.Test;

/**
 * EASE against its closed form computed here independently: {@code G = X^T X + lambda I} in
 * double, inverted by naive Gauss-Jordan with partial pivoting, {@code B = -P / diag(P)}.
 * Tolerance: {@value #TOL} of the largest |B| (float inverse of a matrix with condition number
 * below 100).
 */
class EaseTrainerTest {

  static final double TOL = 1e-5;

  static double[][] closedForm(Interactions x, double lambda, boolean binary) {
    int n = x.numItems();
    double[][] a = new double[n][2 * n];
    for (int u = 0; u < x.numUsers(); u++) {
      for (int p = x.userPtr()[u]; p < x.userPtr()[u + 1]; p++) {
        for (int q = x.userPtr()[u]; q < x.userPtr()[u + 1]; q++) {
          double vp = binary ? 1 : x.values()[p];
          double vq = binary ? 1 : x.values()[q];
          a[x.itemIdx()[p]][x.itemIdx()[q]] += vp * vq;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      a[i][i] += lambda;
      a[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      int piv = c;
      for (int r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
      double[] t = a[c];
      a[c] = a[piv];
      a[piv] = t;
      double d = a[c][c];
      for (int j = 0; j < 2 * n; j++) a[c][j] /= d;
      for (int r = 0; r < n; r++) {
        if (r == c) continue;
        double f = a[r][c];
        for (int j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
      }
    }
    double[][] b = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) b[i][j] = i == j ? 0 : -a[i][n + j] / a[j][n + j];
    }
    return b;
  }

  static void assertMatches(ItemItemModel m, double[][] b) {
    int n = b.length;
    double max = 0;
    for (double[] row : b) for (double v : row) max = Math.max(max, Math.abs(v));
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double got = m.denseWeights()[i * n + j];
        if (!(Math.abs(got - b[i][j]) <= TOL * max)) {
          throw new AssertionError("B[" + i + "][" + j + "] = " + got + ", closed form " + b[i][j]);
        }
      }
    }
  }

  @Test
  void tinyCaseMatchesTheClosedForm() {
    Interactions x = Hand.of(4, new int[][] {{0, 1}, {0, 1, 2}, {1, 2}, {0, 3}, {2, 3}}, null);
    ItemItemModel m = new EaseTrainer(EaseConfig.DEFAULTS.withLambda(0.5f)).fit(x);
    assertThat(m.layout()).isEqualTo(ItemItemModel.Layout.DENSE);
    assertMatches(m, closedForm(x, 0.5, true));
    // B_ij = -P_ij / P_jj is not symmetric; the diagonal is zero.
    assertThat(m.weight(0, 1)).isNotEqualTo(m.weight(1, 0));
    assertThat(m.weight(2, 2)).isZero();
  }

  @Test
  void weightedValuesWhenNotBinary() {
    Interactions x = Hand.of(3, new int[][] {{0, 1}, {1, 2}, {0, 2}, {0}}, new float[][] {{2, 1}, {3, 1}, {1, 4}, {2}});
    ItemItemModel m = new EaseTrainer(EaseConfig.DEFAULTS.withLambda(1f).withBinary(false)).fit(x);
    assertMatches(m, closedForm(x, 1, false));
    assertThat(m.binary()).isFalse();
  }

  @Test
  void syntheticCaseMatchesForAnyThreadCount() {
    Interactions x = new SyntheticGenerator(SyntheticConfig.of(400, 150, 6000, 9).withImplicit(true))
        .generateInMemory();
    double[][] b = closedForm(x, 50, true);
    for (int threads : new int[] {1, 3}) {
      ItemItemModel m = new EaseTrainer(EaseConfig.DEFAULTS.withLambda(50f).withThreads(threads)).fit(x);
      assertMatches(m, b);
      assertThat(m.provenance().algorithm()).isEqualTo("ease");
      assertThat(m.provenance().config()).containsEntry("lambda", "50.0");
    }
  }

  @Test
  void refusesCatalogsAboveMaxItemsWithTheMemoryNeeded() {
    Interactions x = Hand.of(30, new int[][] {{0, 29}}, null);
    assertThatThrownBy(() -> new EaseTrainer(EaseConfig.DEFAULTS.withMaxItems(20)).fit(x))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ease needs a dense 30 x 30 float matrix (0.00 GiB) for 30 items, above maxItems = 20; raise "
            + "maxItems (--max-items; up to 46340, with a heap to match) or use itemknn");
  }

  @Test
  void refusesBeforeAllocatingWhenTheHeapIsTooSmallAndNamesTheCatalogueThatFits() {
    Interactions x = Hand.of(30, new int[][] {{0, 29}, {1, 2, 3}}, null);
    long data = EaseTrainer.BYTES_PER_INTERACTION * x.size() + 8L * (x.numUsers() + x.numItems());
    long maxHeap = data + (1L << 20); // 1 MiB for the matrix: 4 n^2 + scratch fits about n = 400
    int fits = dev.kindred.math.SpdInverse.largestOrder(1L << 20, 2, EaseTrainer.EXTRA_BYTES_PER_ITEM);
    assertThat(fits).isBetween(100, 511);
    EaseTrainer.checkMemory(x, null, fits, 2, maxHeap);
    assertThatThrownBy(() -> EaseTrainer.checkMemory(x, null, fits + 1, 2, maxHeap))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ease needs 0.00 GiB for " + (fits + 1) + " items (a dense " + (fits + 1) + " x "
            + (fits + 1) + " float matrix plus scratch) but the heap has 0.00 GiB left after the data")
        .hasMessageContaining("the largest catalogue that fits is " + fits + " items")
        .hasMessageContaining("KINDRED_HEAP=")
        .hasMessageContaining("keep at most " + fits + " items (--min-item-interactions N")
        .hasMessageContaining("--max-items " + fits);
  }

  @Test
  void thirtyFiveThousandItemsFitInTwelveGibWithThreads() {
    // The acceptance size (Amazon's 35,648-item catalogue): 5.1 GB of matrix, a few hundred MB of data.
    long gib = 1L << 30;
    int fits = dev.kindred.math.SpdInverse.largestOrder(12 * gib - 500_000_000L, 2, EaseTrainer.EXTRA_BYTES_PER_ITEM);
    assertThat(fits).isGreaterThanOrEqualTo(35_648);
  }

  @Test
  void invalidConfigIsRejectedWithTheReason() {
    assertThatThrownBy(() -> EaseConfig.DEFAULTS.withLambda(0)).hasMessage("lambda must be > 0, got 0.0");
    assertThatThrownBy(() -> EaseConfig.DEFAULTS.withMaxItems(50_000))
        .hasMessage("maxItems must be in [1, 46340], got 50000");
    assertThatThrownBy(() -> EaseConfig.DEFAULTS.withThreads(-1)).hasMessage("threads must be > 0, got -1");
  }
}
