package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SpMM: the Vector API kernel against its scalar twin at awkward widths {@code k} and shapes
 * (bit-identical by construction, see {@link SpmmKernels}, so compared exactly), both against a
 * dense double-precision reference, and the facade's threading and validation.
 *
 * <p>Tolerance against the dense reference: {@value #REL_TOL} times {@code |alpha| * sum_p |a_p x_p|
 * + |beta y|} per element, the float error bound of a sum of that length.
 *
 * <p>Dense operands sit before NaN padding: a kernel that reads {@code x} past {@code cols * k}
 * produces NaN and fails; the padding of {@code y} past {@code rows * k} must be unchanged.
 */
class SparseKernelsTest {

  static final int[] K = {1, 7, 13, 15, 16, 17, 31, 33, 63, 64, 65, 207, 702};
  static final float REL_TOL = 1e-5f;
  static final int PAD = 37;

  private final SpmmKernels scalar = new ScalarSpmmKernels();
  private final SpmmKernels panama = new PanamaSpmmKernels();

  /** Awkward widths plus the lane-count multiples that select the strip paths. */
  static IntStream widths() {
    int l = PanamaKernels.lanes();
    return IntStream.concat(Arrays.stream(K), IntStream.of(l - 1, l, l + 1, 4 * l - 1, 4 * l, 4 * l + 1, 5 * l + 3))
        .filter(k -> k >= 1).distinct().sorted();
  }

  /** (rows, cols, density): single row/column, empty matrix, the awkward sizes. */
  static Stream<Arguments> shapes() {
    return Stream.of(Arguments.of(1, 1, 1.0), Arguments.of(1, 13, 0.5), Arguments.of(7, 1, 0.6),
        Arguments.of(13, 7, 0.3), Arguments.of(64, 207, 0.05), Arguments.of(207, 64, 0.1),
        Arguments.of(5, 9, 0.0), Arguments.of(702, 13, 0.2));
  }

  /** Random CSR with about {@code density * cols} entries per row; some rows are empty. */
  static CsrMatrix randomCsr(SplittableRandom rng, int rows, int cols, double density) {
    int[] ptr = new int[rows + 1];
    int[] idx = new int[rows * cols];
    float[] val = new float[rows * cols];
    int n = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        if (rng.nextDouble() < density) {
          idx[n] = c;
          val[n++] = (float) (2 * rng.nextDouble() - 1);
        }
      }
      ptr[r + 1] = n;
    }
    return new CsrMatrix(rows, cols, ptr, Arrays.copyOf(idx, n), Arrays.copyOf(val, n));
  }

  /** {@code n} values in [-1, 1), then NaN padding. */
  static float[] padded(SplittableRandom rng, int n) {
    float[] a = new float[n + PAD];
    Arrays.fill(a, Float.NaN);
    for (int j = 0; j < n; j++) {
      a[j] = (float) (2 * rng.nextDouble() - 1);
    }
    return a;
  }

  static double[][] dense(CsrMatrix a) {
    double[][] d = new double[a.rows()][a.cols()];
    for (int r = 0; r < a.rows(); r++) {
      for (int p = a.rowPtr()[r]; p < a.rowPtr()[r + 1]; p++) {
        d[r][a.colIdx()[p]] = a.values()[p];
      }
    }
    return d;
  }

  static Stream<Arguments> cases() {
    return shapes().flatMap(s -> widths().mapToObj(k -> Arguments.of(s.get()[0], s.get()[1], s.get()[2], k)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void panamaMatchesScalarAndDenseReference(int rows, int cols, double density, int k) {
    SplittableRandom rng = new SplittableRandom(31L * rows + 7L * cols + k);
    CsrMatrix a = randomCsr(rng, rows, cols, density);
    float[] x = padded(rng, cols * k);
    float[] x0 = x.clone();
    for (float[] ab : new float[][] {{1f, 0f}, {0.7f, -1.3f}, {-2f, 1f}}) {
      float alpha = ab[0];
      float beta = ab[1];
      float[] y0 = padded(rng, rows * k);
      if (beta == 0f) {
        Arrays.fill(y0, 0, rows * k, Float.NaN); // overwritten, never read
      }
      float[] ys = y0.clone();
      float[] yp = y0.clone();
      scalar.spmmRows(a.rowPtr(), a.colIdx(), a.values(), x, k, alpha, beta, ys, 0, rows);
      panama.spmmRows(a.rowPtr(), a.colIdx(), a.values(), x, k, alpha, beta, yp, 0, rows);
      assertIdentical(yp, ys, String.format("panama vs scalar, %dx%d k=%d alpha=%s beta=%s", rows, cols, k,
          alpha, beta));
      double[][] d = dense(a);
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < k; j++) {
          double sum = 0;
          double mag = 0;
          for (int c = 0; c < cols; c++) {
            sum += d[r][c] * x[c * k + j];
            mag += Math.abs(d[r][c] * x[c * k + j]);
          }
          double old = beta == 0f ? 0 : y0[r * k + j];
          double expected = alpha * sum + beta * old;
          double tol = REL_TOL * (Math.abs(alpha) * mag + Math.abs(beta * old)) + 1e-30;
          // Plain comparison first: an assertion object per element would dominate the run time.
          if (!(Math.abs(yp[r * k + j] - expected) <= tol)) {
            assertThat((double) yp[r * k + j]).as("y[%d][%d] %dx%d k=%d", r, j, rows, cols, k)
                .isCloseTo(expected, within(tol));
          }
        }
      }
      assertThat(Arrays.copyOfRange(yp, rows * k, yp.length)).as("y padding")
          .usingElementComparator((u, v) -> Integer.compare(Float.floatToRawIntBits(u), Float.floatToRawIntBits(v)))
          .containsExactly(Arrays.copyOfRange(y0, rows * k, y0.length));
    }
    assertIdentical(x, x0, "x is read only");
  }

  /** Bit-for-bit equality (NaN equals NaN), reporting the first differing index. */
  static void assertIdentical(float[] actual, float[] expected, String what) {
    int i = Arrays.mismatch(actual, expected);
    if (i >= 0) {
      assertThat(i < actual.length ? actual[i] : Float.NaN).as("%s: first difference at index %d", what, i)
          .isEqualTo(i < expected.length ? expected[i] : Float.NaN);
    }
  }

  @Test
  void facadeGivesTheSameBitsForOneAndTwoThreads() {
    SplittableRandom rng = new SplittableRandom(5);
    CsrMatrix a = randomCsr(rng, 702, 207, 0.03);
    int k = 33;
    float[] x = padded(rng, a.cols() * k);
    float[] y1 = padded(rng, a.rows() * k);
    float[] y2 = y1.clone();
    float[] ys = y1.clone();
    try (WorkerPool one = WorkerPool.create(1, "spmm-test"); WorkerPool two = WorkerPool.create(2, "spmm-test")) {
      SparseKernels.spmmAccumulate(a, x, k, 0.5f, 2f, y1, one);
      SparseKernels.spmmAccumulate(a, x, k, 0.5f, 2f, y2, two);
    }
    scalar.spmmRows(a.rowPtr(), a.colIdx(), a.values(), x, k, 0.5f, 2f, ys, 0, a.rows());
    assertIdentical(y2, y1, "two threads vs one");
    assertIdentical(y1, ys, "facade vs scalar twin");
  }

  @Test
  void spmmOverwritesY() {
    // [[1, 0, 2], [0, 0, 0]] * [[1, 2], [3, 4], [5, 6]] = [[11, 14], [0, 0]]
    CsrMatrix a = new CsrMatrix(2, 3, new int[] {0, 2, 2}, new int[] {0, 2}, new float[] {1, 2});
    float[] x = {1, 2, 3, 4, 5, 6};
    float[] y = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
    try (WorkerPool pool = WorkerPool.create(2, "spmm-test")) {
      SparseKernels.spmm(a, x, 2, y, pool);
    }
    assertThat(y).containsExactly(11, 14, 0, 0);
  }

  @Test
  void balancedBlocksCoverEveryRowInOrder() {
    SplittableRandom rng = new SplittableRandom(11);
    CsrMatrix a = randomCsr(rng, 207, 64, 0.2);
    for (int blocks : new int[] {1, 2, 7, 207}) {
      int[] b = SparseKernels.balancedRowBlocks(a.rowPtr(), a.rows(), blocks);
      assertThat(b).hasSize(blocks + 1);
      assertThat(b[0]).isZero();
      assertThat(b[blocks]).isEqualTo(a.rows());
      for (int i = 0; i < blocks; i++) {
        assertThat(b[i + 1]).isGreaterThanOrEqualTo(b[i]);
      }
    }
    // Cost is nnz + rows: two blocks of a matrix whose first row holds all entries split after it.
    CsrMatrix skew = new CsrMatrix(4, 100, new int[] {0, 100, 100, 100, 100},
        IntStream.range(0, 100).toArray(), new float[100]);
    assertThat(SparseKernels.balancedRowBlocks(skew.rowPtr(), 4, 2)).containsExactly(0, 1, 4);
  }

  @Test
  void transposeRoundTripsAndMatchesDenseTranspose() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int[] shape : new int[][] {{1, 1}, {7, 13}, {207, 64}, {0, 5}, {5, 0}}) {
      CsrMatrix a = randomCsr(rng, shape[0], shape[1], 0.3);
      CsrMatrix t = a.transpose();
      assertThat(t.rows()).isEqualTo(a.cols());
      assertThat(t.cols()).isEqualTo(a.rows());
      assertThat(t.nnz()).isEqualTo(a.nnz());
      double[][] d = dense(a);
      double[][] dt = dense(t);
      for (int r = 0; r < a.rows(); r++) {
        for (int c = 0; c < a.cols(); c++) {
          assertThat(dt[c][r]).isEqualTo(d[r][c]);
        }
      }
      CsrMatrix back = t.transpose();
      assertThat(back.rowPtr()).containsExactly(a.rowPtr());
      assertThat(back.colIdx()).containsExactly(a.colIdx());
      assertThat(back.values()).containsExactly(a.values());
    }
  }

  @Test
  void constructorRejectsBrokenLayoutNamingTheInvariant() {
    assertThatThrownBy(() -> new CsrMatrix(-1, 2, new int[] {0}, new int[0], new float[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invariant 1");
    assertThatThrownBy(() -> new CsrMatrix(2, 2, new int[] {0, 1}, new int[] {0}, new float[] {1}))
        .hasMessageContaining("invariant 2: rowPtr must have rows + 1 = 3 entries, got 2");
    assertThatThrownBy(() -> new CsrMatrix(1, 2, new int[] {0, 1}, new int[] {0}, new float[] {1, 2}))
        .hasMessageContaining("invariant 3");
    assertThatThrownBy(() -> new CsrMatrix(2, 2, new int[] {0, 2, 1}, new int[] {0}, new float[] {1}))
        .hasMessageContaining("invariant 2: rowPtr decreases at row 1: 2 then 1");
    assertThatThrownBy(() -> new CsrMatrix(1, 3, new int[] {0, 2}, new int[] {2, 1}, new float[] {1, 1}))
        .hasMessageContaining("invariant 4: row 0 position 1").hasMessageContaining("got 1 after 2");
    assertThatThrownBy(() -> new CsrMatrix(1, 3, new int[] {0, 1}, new int[] {3}, new float[] {1}))
        .hasMessageContaining("in [0, 3), got 3");
    assertThatThrownBy(() -> new CsrMatrix(1, 3, new int[] {0, 1}, new int[] {1}, new float[] {Float.NaN}))
        .hasMessageContaining("invariant 5: row 0 column 1");
  }

  @Test
  void spmmRejectsInvalidArguments() {
    CsrMatrix a = new CsrMatrix(2, 3, new int[] {0, 1, 2}, new int[] {0, 2}, new float[] {1, 2});
    try (WorkerPool pool = WorkerPool.create(1, "spmm-test")) {
      assertThatThrownBy(() -> SparseKernels.spmm(a, new float[6], 0, new float[4], pool))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("k must be >= 1, got 0");
      assertThatThrownBy(() -> SparseKernels.spmm(a, new float[5], 2, new float[4], pool))
          .hasMessage("x must hold cols * k = 3 * 2 = 6 floats, got 5");
      assertThatThrownBy(() -> SparseKernels.spmm(a, new float[6], 2, new float[3], pool))
          .hasMessage("y must hold rows * k = 2 * 2 = 4 floats, got 3");
      float[] same = new float[6];
      assertThatThrownBy(() -> SparseKernels.spmm(a, same, 2, same, pool)).hasMessageContaining("different arrays");
      assertThatThrownBy(() -> SparseKernels.spmmAccumulate(a, new float[6], 2, Float.NaN, 0f, new float[4], pool))
          .hasMessageContaining("alpha and beta must be finite");
    }
  }
}
