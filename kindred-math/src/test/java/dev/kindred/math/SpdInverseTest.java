package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The blocked parallel inverse against the readable one ({@link #referenceInverse}, three textbook
 * loops in double) at awkward orders, with the production block sizes and with tiny ones so that
 * every order crosses many block and tile edges.
 *
 * <p>Tolerance: every entry within {@value #TOL} of the largest entry of the exact inverse. The
 * test matrices are EASE-like ({@code X^T X + lambda I}, binary {@code X}) with condition numbers
 * below about 50, where float arithmetic in another summation order is good to about 1e-6
 * relative; 1e-4 leaves room without hiding a wrong index (which errs by O(1)).
 */
class SpdInverseTest {

  static final double TOL = 1e-4;
  static final double RESIDUAL_TOL = 1e-4;
  static final int[] ORDERS = {1, 2, 7, 13, 64, 129, 207, 300};

  /** Cholesky A = L L^T, then L^-1, then L^-T L^-1, all in double: the readable version. */
  static double[] referenceInverse(float[] a, int n) {
    double[] l = new double[n * n];
    for (int j = 0; j < n; j++) {
      double d = a[j * n + j];
      for (int k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
      l[j * n + j] = Math.sqrt(d);
      for (int i = j + 1; i < n; i++) {
        double s = a[Math.min(i, j) * n + Math.max(i, j)]; // upper triangle, as the blocked code reads
        for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
        l[i * n + j] = s / l[j * n + j];
      }
    }
    double[] m = new double[n * n]; // M = L^-1, lower
    for (int j = 0; j < n; j++) {
      m[j * n + j] = 1 / l[j * n + j];
      for (int i = j + 1; i < n; i++) {
        double s = 0;
        for (int k = j; k < i; k++) s -= l[i * n + k] * m[k * n + j];
        m[i * n + j] = s / l[i * n + i];
      }
    }
    double[] p = new double[n * n]; // P = M^T M
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = Math.max(i, j); k < n; k++) s += m[k * n + i] * m[k * n + j];
        p[i * n + j] = s;
      }
    }
    return p;
  }

  /** X^T X + lambda I for a random binary X with {@code users} rows; the lower triangle is garbage. */
  static float[] easeLike(int n, int users, double density, float lambda, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] g = new float[n * n];
    int[] row = new int[n];
    for (int u = 0; u < users; u++) {
      int len = 0;
      for (int i = 0; i < n; i++) if (rng.nextDouble() < density) row[len++] = i;
      for (int x = 0; x < len; x++) {
        for (int y = x; y < len; y++) g[row[x] * n + row[y]] += 1f;
      }
    }
    for (int i = 0; i < n; i++) {
      g[i * n + i] += lambda;
      for (int j = 0; j < i; j++) g[i * n + j] = -12345f; // must never be read
    }
    return g;
  }

  static void assertClose(float[] got, double[] exact, int n, String what) {
    double max = 0;
    for (double v : exact) max = Math.max(max, Math.abs(v));
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double e = exact[i * n + j];
        if (!(Math.abs(got[i * n + j] - e) <= TOL * max)) {
          throw new AssertionError(what + ": entry (" + i + ", " + j + ") is " + got[i * n + j] + ", exact " + e
              + ", tolerance " + TOL * max);
        }
      }
    }
  }

  @Test
  void blockedMatchesReferenceAtAwkwardOrders() {
    for (int n : ORDERS) {
      float[] g = easeLike(n, 3 * n + 5, 0.1, 5f, n);
      double[] exact = referenceInverse(g, n);
      for (int block : new int[] {SpdInverse.BLOCK, 1, 4, 5, 16}) {
        for (int threads : new int[] {1, 3}) {
          float[] a = g.clone();
          SpdInverse.invert(a, n, threads, block);
          assertClose(a, exact, n, "n=" + n + " block=" + block + " threads=" + threads);
        }
      }
    }
  }

  /**
   * The residual {@code max |G P - I|} at an order that crosses several production sweep blocks (256) and
   * product row blocks (144): below {@value #RESIDUAL_TOL} for a matrix with condition number about 10
   * ({@code n * eps_float * cond} is about 1e-3 as a worst case; observed errors are far smaller).
   */
  @Test
  void residualAtSevenHundredTwoWithProductionBlocks() {
    int n = 702;
    float[] g = easeLike(n, 2 * n, 0.02, 10f, 702);
    float[] a = g.clone();
    SpdInverse.invert(a, n, 2);
    double worst = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) s += (double) g[Math.min(i, k) * n + Math.max(i, k)] * a[k * n + j];
        worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
      }
    }
    assertThat(worst).as("max |G P - I|").isLessThan(RESIDUAL_TOL);
  }

  @Test
  void resultIsSymmetricAndTimesInputIsIdentity() {
    int n = 150;
    float[] g = easeLike(n, 400, 0.05, 20f, 7);
    float[] a = g.clone();
    SpdInverse.invert(a, n, 2);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertThat(a[i * n + j]).as("symmetric at (%d, %d)", i, j).isEqualTo(a[j * n + i]);
        double s = 0;
        for (int k = 0; k < n; k++) s += (double) g[Math.min(i, k) * n + Math.max(i, k)] * a[k * n + j];
        assertThat(Math.abs(s - (i == j ? 1 : 0))).as("(A A^-1)[%d][%d]", i, j).isLessThan(1e-4);
      }
    }
  }

  @Test
  void sameResultForAnyThreadCount() {
    int n = 333;
    float[] g = easeLike(n, 900, 0.05, 10f, 11);
    float[] one = g.clone();
    float[] four = g.clone();
    SpdInverse.invert(one, n, 1);
    SpdInverse.invert(four, n, 4);
    assertThat(four).as("every task computes fixed entries in a fixed order").containsExactly(one);
  }

  @Test
  void diagonalMatrixInvertsExactly() {
    float[] a = {4, 0, 0, 0, 16, 0, 0, 0, 0.25f}; // square pivots: every step is exact in float
    SpdInverse.invert(a, 3, 2);
    assertThat(a).containsExactly(0.25f, 0, 0, 0, 0.0625f, 0, 0, 0, 4f);
  }

  @Test
  void refusesMatricesThatAreNotPositiveDefinite() {
    float[] a = {1, 2, 2, 1}; // eigenvalues 3 and -1
    assertThatThrownBy(() -> SpdInverse.invert(a, 2, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("matrix is not positive definite: pivot 1 is -3.0 after elimination (add more to the diagonal)");
    float[] nan = {Float.NaN};
    assertThatThrownBy(() -> SpdInverse.invert(nan, 1, 1)).hasMessageContaining("pivot 0 is NaN");
  }

  @Test
  void rejectsBadShapes() {
    assertThatThrownBy(() -> SpdInverse.invert(new float[3], 2, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("array of length 3 is smaller than 2 x 2");
    assertThatThrownBy(() -> SpdInverse.invert(new float[4], 2, 0))
        .hasMessageContaining("threads and block must be positive");
    assertThatThrownBy(() -> SpdInverse.invert(new float[0], SpdInverse.MAX_ORDER + 1, 1))
        .hasMessage("order must be in [0, 46340], got 46341");
    SpdInverse.invert(new float[0], 0, 1); // empty is fine
  }
}
