package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test of every Vector API kernel against its scalar twin at awkward sizes (below,
 * at and around multiples of the lane count, and long odd lengths), at non-zero offsets.
 *
 * <p>Tolerance: the two implementations differ only by float reassociation and FMA contraction,
 * so a result may differ by at most {@value #REL_TOL} times the magnitude of the sum
 * ({@code sum_j |a_j * b_j|}), the usual error bound for a float sum of that length.
 *
 * <p>Inputs sit inside NaN padding: a kernel that reads outside its range returns NaN and fails.
 * Writes outside the range are checked by comparing the padding after the call.
 */
class PanamaKernelsTest {

  static final int[] SIZES = {0, 1, 7, 13, 15, 16, 17, 31, 32, 33, 63, 64, 65, 207, 702};
  static final float REL_TOL = 1e-5f;
  /** Absolute floor, so that a sum of magnitude 0 compares exactly. */
  static final float ABS_TOL = 1e-30f;
  static final int PAD = 37;

  private final Kernels scalar = new ScalarKernels();
  private final Kernels panama = new PanamaKernels();

  /** Every size, plus the lane-count multiples that select special paths (L, 2L, 4L, ...). */
  static IntStream sizes() {
    int l = PanamaKernels.lanes();
    return IntStream.concat(Arrays.stream(SIZES), IntStream.of(l - 1, l, l + 1, 2 * l, 3 * l, 4 * l, 4 * l + 1, 5 * l))
        .distinct().sorted();
  }

  /**
   * The sizes up to 207, for the {@code n x n} kernels: {@code n^2} floats per case, and larger
   * orders add nothing the tile paths do not cover.
   */
  static IntStream matrixSizes() {
    return sizes().filter(n -> n <= 207);
  }

  /** {@link #sizes()} without 0, for kernels whose dimension must be positive. */
  static IntStream positiveSizes() {
    return sizes().filter(n -> n > 0);
  }

  /** {@link #matrixSizes()} without 0. */
  static IntStream positiveMatrixSizes() {
    return matrixSizes().filter(n -> n > 0);
  }

  /** {@code n} values in [-1, 1) at {@code off}, NaN before and after. */
  static float[] padded(SplittableRandom rng, int off, int n) {
    float[] a = new float[off + n + PAD];
    Arrays.fill(a, Float.NaN);
    for (int j = 0; j < n; j++) {
      a[off + j] = (float) (2 * rng.nextDouble() - 1);
    }
    return a;
  }

  static double magnitude(float[] a, int ao, float[] b, int bo, int n) {
    double s = 0;
    for (int j = 0; j < n; j++) {
      s += Math.abs((double) a[ao + j] * b[bo + j]);
    }
    return s;
  }

  static void assertPaddingUnchanged(float[] after, float[] before, int off, int n) {
    for (int j = 0; j < after.length; j++) {
      if (j < off || j >= off + n) {
        assertThat(Float.floatToRawIntBits(after[j])).as("padding at %d (range [%d, %d))", j, off, off + n)
            .isEqualTo(Float.floatToRawIntBits(before[j]));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void dotAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(n);
    for (int[] offs : new int[][] {{0, 0}, {3, 5}, {17, 1}}) {
      float[] a = padded(rng, offs[0], n);
      float[] b = padded(rng, offs[1], n);
      float expected = scalar.dot(a, offs[0], b, offs[1], n);
      float actual = panama.dot(a, offs[0], b, offs[1], n);
      double tol = REL_TOL * magnitude(a, offs[0], b, offs[1], n) + ABS_TOL;
      assertThat((double) actual).as("dot n=%d offsets %s", n, Arrays.toString(offs))
          .isCloseTo(expected, within(tol));
    }
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void axpyAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(100 + n);
    int xo = 5;
    int yo = 2;
    float alpha = -0.37f;
    float[] x = padded(rng, xo, n);
    float[] x0 = x.clone();
    float[] y0 = padded(rng, yo, n);
    float[] ys = y0.clone();
    float[] yp = y0.clone();
    scalar.axpy(alpha, x, xo, ys, yo, n);
    panama.axpy(alpha, x, xo, yp, yo, n);
    for (int j = 0; j < n; j++) {
      double tol = REL_TOL * (Math.abs(y0[yo + j]) + Math.abs(alpha * x[xo + j])) + ABS_TOL;
      assertThat((double) yp[yo + j]).as("axpy n=%d j=%d", n, j).isCloseTo(ys[yo + j], within(tol));
    }
    assertPaddingUnchanged(yp, y0, yo, n);
    assertThat(x).as("x is read only").containsExactly(x0);
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void crossUpdateAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(200 + n);
    int ao = 1;
    int bo = 9;
    float sa = 0.99f;
    float ga = 0.013f;
    float sb = 0.98f;
    float gb = -0.021f;
    float[] a0 = padded(rng, ao, n);
    float[] b0 = padded(rng, bo, n);
    float[] as = a0.clone();
    float[] bs = b0.clone();
    float[] ap = a0.clone();
    float[] bp = b0.clone();
    scalar.crossUpdate(as, ao, bs, bo, n, sa, ga, sb, gb);
    panama.crossUpdate(ap, ao, bp, bo, n, sa, ga, sb, gb);
    for (int j = 0; j < n; j++) {
      float av = a0[ao + j];
      float bv = b0[bo + j];
      double tolA = REL_TOL * (Math.abs(sa * av) + Math.abs(ga * bv)) + ABS_TOL;
      double tolB = REL_TOL * (Math.abs(sb * bv) + Math.abs(gb * av)) + ABS_TOL;
      assertThat((double) ap[ao + j]).as("a n=%d j=%d", n, j).isCloseTo(as[ao + j], within(tolA));
      assertThat((double) bp[bo + j]).as("b n=%d j=%d", n, j).isCloseTo(bs[bo + j], within(tolB));
    }
    assertPaddingUnchanged(ap, a0, ao, n);
    assertPaddingUnchanged(bp, b0, bo, n);
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void gradientNormsAgreeWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(300 + n);
    int ao = 4;
    int bo = 11;
    float e = 1.7f;
    float la = 0.05f;
    float lb = 0.2f;
    float[] a = padded(rng, ao, n);
    float[] b = padded(rng, bo, n);
    float[] a0 = a.clone();
    float[] b0 = b.clone();
    float[] outS = {Float.NaN, Float.NaN};
    float[] outP = {Float.NaN, Float.NaN};
    scalar.gradientNorms(a, ao, b, bo, n, e, la, lb, outS);
    panama.gradientNorms(a, ao, b, bo, n, e, la, lb, outP);
    // Sums of squares: every term is non-negative, so the sum is its own magnitude.
    assertThat((double) outP[0]).as("|ga|^2 n=%d", n).isCloseTo(outS[0], within((double) REL_TOL * outS[0] + ABS_TOL));
    assertThat((double) outP[1]).as("|gb|^2 n=%d", n).isCloseTo(outS[1], within((double) REL_TOL * outS[1] + ABS_TOL));
    assertThat(a).as("a untouched").containsExactly(a0);
    assertThat(b).as("b untouched").containsExactly(b0);
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void bilinearSgdStepAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(400 + n);
    int ao = 3;
    int bo = 6;
    float target = 3.5f;
    float lrA = 0.01f;
    float regA = 0.05f;
    float lrB = 0.02f;
    float regB = 0.1f;
    float[] a0 = padded(rng, ao, n);
    float[] b0 = padded(rng, bo, n);
    float[] as = a0.clone();
    float[] bs = b0.clone();
    float[] ap = a0.clone();
    float[] bp = b0.clone();
    float es = scalar.bilinearSgdStep(as, ao, bs, bo, n, target, lrA, regA, lrB, regB);
    float ep = panama.bilinearSgdStep(ap, ao, bp, bo, n, target, lrA, regA, lrB, regB);
    double tolE = REL_TOL * (Math.abs(target) + magnitude(a0, ao, b0, bo, n)) + ABS_TOL;
    assertThat((double) ep).as("error n=%d", n).isCloseTo(es, within(tolE));
    for (int j = 0; j < n; j++) {
      float av = a0[ao + j];
      float bv = b0[bo + j];
      // The step's own rounding, plus the error difference carried through lr * e * (other vector).
      double tolA = REL_TOL * (Math.abs(av) + Math.abs(lrA * es * bv)) + lrA * Math.abs(bv) * tolE + ABS_TOL;
      double tolB = REL_TOL * (Math.abs(bv) + Math.abs(lrB * es * av)) + lrB * Math.abs(av) * tolE + ABS_TOL;
      assertThat((double) ap[ao + j]).as("a n=%d j=%d", n, j).isCloseTo(as[ao + j], within(tolA));
      assertThat((double) bp[bo + j]).as("b n=%d j=%d", n, j).isCloseTo(bs[bo + j], within(tolB));
    }
    assertPaddingUnchanged(ap, a0, ao, n);
    assertPaddingUnchanged(bp, b0, bo, n);
  }

  /**
   * Row counts around the four-row unroll, dims that are and are not lane multiples (the register
   * path takes dim = L, 2L, 3L, 4L), at non-zero offsets into the matrix, x and out.
   */
  @ParameterizedTest
  @MethodSource("sizes")
  void gemvAgreesWithScalar(int dim) {
    int mo = 3;
    int xo = 2;
    int oo = 5;
    for (int rows : new int[] {0, 1, 3, 4, 5, 7, 8, 9, 13}) {
      SplittableRandom rng = new SplittableRandom(31L * dim + rows);
      float[] m = padded(rng, mo, rows * dim);
      float[] x = padded(rng, xo, dim);
      float[] out0 = new float[oo + rows + PAD];
      Arrays.fill(out0, -12345f);
      float[] outS = out0.clone();
      float[] outP = out0.clone();
      scalar.gemv(m, mo, rows, dim, x, xo, outS, oo);
      panama.gemv(m, mo, rows, dim, x, xo, outP, oo);
      for (int r = 0; r < rows; r++) {
        double tol = REL_TOL * magnitude(m, mo + r * dim, x, xo, dim) + ABS_TOL;
        assertThat((double) outP[oo + r]).as("gemv dim=%d rows=%d row %d", dim, rows, r)
            .isCloseTo(outS[oo + r], within(tol));
      }
      assertPaddingUnchanged(outP, out0, oo, rows);
    }
  }

  /**
   * The BPR step at every size, at distinct offsets into three arrays. The margin differs only by
   * summation order; the update then differs through {@code lr * g}, whose derivative in the margin
   * is at most {@code lr / 4}.
   */
  @ParameterizedTest
  @MethodSource("sizes")
  void pairwiseLogisticStepAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(500 + n);
    int ao = 2;
    int bo = 7;
    int co = 13;
    float offset = 0.3f;
    float lr = 0.05f;
    float regA = 0.01f;
    float regB = 0.02f;
    float regC = 0.005f;
    float[] a0 = padded(rng, ao, n);
    float[] b0 = padded(rng, bo, n);
    float[] c0 = padded(rng, co, n);
    float[] as = a0.clone();
    float[] bs = b0.clone();
    float[] cs = c0.clone();
    float[] ap = a0.clone();
    float[] bp = b0.clone();
    float[] cp = c0.clone();
    float xs = scalar.pairwiseLogisticStep(as, ao, bs, bo, cs, co, n, offset, lr, regA, regB, regC);
    float xp = panama.pairwiseLogisticStep(ap, ao, bp, bo, cp, co, n, offset, lr, regA, regB, regC);
    double mag = Math.abs(offset);
    for (int j = 0; j < n; j++) {
      mag += Math.abs((double) a0[ao + j] * (b0[bo + j] - c0[co + j]));
    }
    double tolX = REL_TOL * mag + ABS_TOL;
    assertThat((double) xp).as("margin n=%d", n).isCloseTo(xs, within(tolX));
    double tolLg = lr * 0.25 * tolX + REL_TOL * lr;
    for (int j = 0; j < n; j++) {
      float av = a0[ao + j];
      float d = b0[bo + j] - c0[co + j];
      double tolA = REL_TOL * (Math.abs(av) + lr * Math.abs(d)) + tolLg * Math.abs(d) + ABS_TOL;
      double tolBc = REL_TOL * (1 + lr) + tolLg * Math.abs(av) + ABS_TOL;
      assertThat((double) ap[ao + j]).as("a n=%d j=%d", n, j).isCloseTo(as[ao + j], within(tolA));
      assertThat((double) bp[bo + j]).as("b n=%d j=%d", n, j).isCloseTo(bs[bo + j], within(tolBc));
      assertThat((double) cp[co + j]).as("c n=%d j=%d", n, j).isCloseTo(cs[co + j], within(tolBc));
    }
    assertPaddingUnchanged(ap, a0, ao, n);
    assertPaddingUnchanged(bp, b0, bo, n);
    assertPaddingUnchanged(cp, c0, co, n);
  }

  /**
   * Hand-checked: a = (1, 2), b = (0.5, 1), c = (0, 1), offset 0.5 give x = 1 * 0.5 + 2 * 0 + 0.5 = 1,
   * g = 1 / (1 + e) = 0.268941; with lr = 0.1 and no penalty a = (1.0134471, 2), b = (0.5268941,
   * 1.0537883), c = (-0.0268941, 0.9462117). Computed with
   * {@code g = 1 / (1 + Math.exp(1)); a0 + 0.1 * g * (b - c); b + 0.1 * g * a0; c - 0.1 * g * a0}.
   */
  @Test
  void pairwiseLogisticStepMatchesHandComputedValues() {
    for (Kernels k : new Kernels[] {scalar, panama}) {
      float[] a = {1f, 2f};
      float[] b = {0.5f, 1f};
      float[] c = {0f, 1f};
      float x = k.pairwiseLogisticStep(a, 0, b, 0, c, 0, 2, 0.5f, 0.1f, 0f, 0f, 0f);
      assertThat(x).isEqualTo(1f);
      assertThat(a).containsExactly(new float[] {1.0134471f, 2f}, within(1e-6f));
      assertThat(b).containsExactly(new float[] {0.5268941f, 1.0537883f}, within(1e-6f));
      assertThat(c).containsExactly(new float[] {-0.0268941f, 0.9462117f}, within(1e-6f));
    }
  }

  /**
   * Small row counts and dims around the 4-row and 2-lane-group tiles; the output starts with
   * non-zero values; the strict upper triangle must stay as it was.
   */
  @ParameterizedTest
  @MethodSource("matrixSizes")
  void gramAccumulateAgreesWithScalar(int dim) {
    int mo = 3;
    int go = 4;
    for (int rows : new int[] {0, 1, 5, 33}) {
      SplittableRandom rng = new SplittableRandom(17L * dim + rows);
      float[] m = padded(rng, mo, rows * dim);
      float[] g0 = padded(rng, go, dim * dim);
      float[] gs = g0.clone();
      float[] gp = g0.clone();
      scalar.gramAccumulate(m, mo, rows, dim, gs, go);
      panama.gramAccumulate(m, mo, rows, dim, gp, go);
      for (int a = 0; a < dim; a++) {
        for (int b = 0; b < dim; b++) {
          if (b > a) {
            assertThat(Float.floatToRawIntBits(gp[go + a * dim + b])).as("upper (%d, %d) untouched", a, b)
                .isEqualTo(Float.floatToRawIntBits(g0[go + a * dim + b]));
            continue;
          }
          double mag = Math.abs(g0[go + a * dim + b]);
          for (int r = 0; r < rows; r++) {
            mag += Math.abs((double) m[mo + r * dim + a] * m[mo + r * dim + b]);
          }
          assertThat((double) gp[go + a * dim + b]).as("gram dim=%d rows=%d (%d, %d)", dim, rows, a, b)
              .isCloseTo(gs[go + a * dim + b], within(REL_TOL * mag + ABS_TOL));
        }
      }
      assertPaddingUnchanged(gp, g0, go, dim * dim);
    }
  }

  /** Square ({@code lda = n}) and as a trailing block of a wider matrix ({@code lda = n + 3}). */
  @ParameterizedTest
  @MethodSource("matrixSizes")
  void rank1UpdateLowerAgreesWithScalarAndLeavesTheUpperTriangle(int n) {
    for (int lda : new int[] {n, n + 3}) {
      SplittableRandom rng = new SplittableRandom(500 + n + lda);
      int xo = 2;
      int ao = 5;
      float c = -0.75f;
      float[] x = padded(rng, xo, n);
      float[] a0 = padded(rng, ao, n * lda);
      float[] as = a0.clone();
      float[] ap = a0.clone();
      scalar.rank1UpdateLower(c, x, xo, n, as, ao, lda);
      panama.rank1UpdateLower(c, x, xo, n, ap, ao, lda);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < lda; j++) {
          int at = ao + i * lda + j;
          if (j > i) {
            assertThat(Float.floatToRawIntBits(ap[at])).as("(%d, %d) above the diagonal or past n untouched", i, j)
                .isEqualTo(Float.floatToRawIntBits(a0[at]));
          } else {
            double tol = REL_TOL * (Math.abs(a0[at]) + Math.abs(c * x[xo + i] * x[xo + j])) + ABS_TOL;
            assertThat((double) ap[at]).as("rank1 n=%d lda=%d (%d, %d)", n, lda, i, j).isCloseTo(as[at], within(tol));
          }
        }
      }
      assertPaddingUnchanged(ap, a0, ao, n * lda);
    }
  }

  @ParameterizedTest
  @MethodSource("matrixSizes")
  void symvAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(600 + n);
    int go = 1;
    int xo = 3;
    int yo = 6;
    float shift = 0.3f;
    float[] g = padded(rng, go, n * n);
    for (int i = 0; i < n; i++) { // symmetric, as the contract requires
      for (int j = 0; j < i; j++) g[go + j * n + i] = g[go + i * n + j];
    }
    float[] x = padded(rng, xo, n);
    float[] y0 = new float[yo + n + PAD];
    Arrays.fill(y0, -7f);
    float[] ys = y0.clone();
    float[] yp = y0.clone();
    scalar.symv(g, go, n, shift, x, xo, ys, yo);
    panama.symv(g, go, n, shift, x, xo, yp, yo);
    for (int c = 0; c < n; c++) {
      double mag = Math.abs(shift * x[xo + c]);
      for (int j = 0; j < n; j++) mag += Math.abs((double) g[go + j * n + c] * x[xo + j]);
      assertThat((double) yp[yo + c]).as("symv n=%d row %d", n, c).isCloseTo(ys[yo + c], within(REL_TOL * mag + ABS_TOL));
    }
    assertPaddingUnchanged(yp, y0, yo, n);
  }

  /**
   * Gathered rows in shuffled order with repeats and a non-zero row base, all three coefficient
   * forms (right-hand side only, projection only, both), at every size; dim = 4L takes the
   * register path.
   */
  @ParameterizedTest
  @MethodSource("positiveSizes")
  void sparseGramVecAgreesWithScalar(int dim) {
    int rowsInM = 11;
    int rowBase = 100;
    int xo = 2;
    int yo = 3;
    float[][] coefs = {{0.5f, 1.5f, 0f, 0f}, {0f, 0f, 0.2f, 0.7f}, {1f, 0.4f, -0.4f, -0.1f}};
    for (int n : new int[] {0, 1, 6, 19}) {
      for (float[] cf : coefs) {
        SplittableRandom rng = new SplittableRandom(700L * dim + n);
        float[] m = new float[rowsInM * dim];
        for (int j = 0; j < m.length; j++) m[j] = (float) (2 * rng.nextDouble() - 1);
        int from = 2;
        int[] idx = new int[from + n + 1];
        float[] w = new float[idx.length];
        Arrays.fill(idx, -1); // outside the range: read only if the kernel overruns [from, to)
        Arrays.fill(w, Float.NaN);
        for (int j = from; j < from + n; j++) {
          idx[j] = rowBase + rng.nextInt(rowsInM);
          w[j] = (float) (3 * rng.nextDouble());
        }
        float[] x = padded(rng, xo, dim);
        float[] y0 = padded(rng, yo, dim);
        float[] ys = y0.clone();
        float[] yp = y0.clone();
        scalar.sparseGramVec(m, dim, idx, rowBase, w, from, from + n, cf[0], cf[1], cf[2], cf[3], x, xo, ys, yo);
        panama.sparseGramVec(m, dim, idx, rowBase, w, from, from + n, cf[0], cf[1], cf[2], cf[3], x, xo, yp, yo);
        for (int c = 0; c < dim; c++) {
          double mag = Math.abs(y0[yo + c]);
          for (int j = from; j < from + n; j++) {
            int row = (idx[j] - rowBase) * dim;
            double h = Math.abs(cf[2] + cf[3] * w[j]);
            double coef = Math.abs(cf[0] + cf[1] * w[j]) + h * magnitude(m, row, x, xo, dim);
            mag += coef * Math.abs(m[row + c]);
          }
          assertThat((double) yp[yo + c]).as("sparseGramVec dim=%d n=%d coefs %s col %d", dim, n, Arrays.toString(cf), c)
              .isCloseTo(ys[yo + c], within(REL_TOL * mag + ABS_TOL));
        }
        assertPaddingUnchanged(yp, y0, yo, dim);
      }
    }
  }

  /** Gathered rows with repeats and a row base; the strict upper triangle must stay as it was. */
  @ParameterizedTest
  @MethodSource("positiveMatrixSizes")
  void sparseGramLowerAgreesWithScalarAndLeavesTheUpperTriangle(int dim) {
    int rowsInM = 9;
    int rowBase = 40;
    for (int n : new int[] {0, 1, 5, 23}) {
      SplittableRandom rng = new SplittableRandom(800L * dim + n);
      float[] m = new float[rowsInM * dim];
      for (int j = 0; j < m.length; j++) m[j] = (float) (2 * rng.nextDouble() - 1);
      int from = 1;
      int[] idx = new int[from + n + 2];
      float[] w = new float[idx.length];
      Arrays.fill(idx, -1);
      Arrays.fill(w, Float.NaN);
      for (int j = from; j < from + n; j++) {
        idx[j] = rowBase + rng.nextInt(rowsInM);
        w[j] = (float) (4 * rng.nextDouble());
      }
      float h0 = 0.5f;
      float h1 = 1.5f;
      float[] g0 = new float[dim * dim];
      for (int j = 0; j < g0.length; j++) g0[j] = (float) rng.nextDouble();
      float[] gs = g0.clone();
      float[] gp = g0.clone();
      scalar.sparseGramLower(m, dim, idx, rowBase, w, from, from + n, h0, h1, gs);
      panama.sparseGramLower(m, dim, idx, rowBase, w, from, from + n, h0, h1, gp);
      for (int a = 0; a < dim; a++) {
        for (int b = 0; b < dim; b++) {
          int at = a * dim + b;
          if (b > a) {
            assertThat(gp[at]).as("upper (%d, %d) untouched, dim=%d n=%d", a, b, dim, n).isEqualTo(g0[at]);
            continue;
          }
          double mag = Math.abs(g0[at]);
          for (int j = from; j < from + n; j++) {
            int row = (idx[j] - rowBase) * dim;
            mag += Math.abs((h0 + h1 * w[j]) * (double) m[row + a] * m[row + b]);
          }
          assertThat((double) gp[at]).as("sparseGramLower dim=%d n=%d (%d, %d)", dim, n, a, b)
              .isCloseTo(gs[at], within(REL_TOL * mag + ABS_TOL));
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void maxAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(900 + n);
    float[] x = padded(rng, 3, n);
    if (n > 0) x[3 + n - 1] = 2f; // the largest in the last (tail) position
    assertThat(panama.max(x, 3, n)).as("max n=%d", n).isEqualTo(scalar.max(x, 3, n));
    if (n > 0) assertThat(panama.max(x, 3, n)).isEqualTo(2f);
  }

  /**
   * The Vector API exponential is within 1e-6 relative of {@link Math#exp} rounded to float on
   * softmax inputs (shifted logits in [-30, 0]); the sums in double, so the same bound holds for them.
   */
  @ParameterizedTest
  @MethodSource("sizes")
  void expShiftSumAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(1000 + n);
    float[] x0 = padded(rng, 5, n);
    for (int j = 0; j < n; j++) x0[5 + j] *= 15f;
    float[] xs = x0.clone();
    float[] xp = x0.clone();
    float shift = -15f;
    double ss = scalar.expShiftSum(xs, 5, n, shift);
    double sp = panama.expShiftSum(xp, 5, n, shift);
    assertThat(sp).as("sum n=%d", n).isCloseTo(ss, within(1e-6 * ss + ABS_TOL));
    for (int j = 0; j < n; j++) {
      assertThat((double) xp[5 + j]).as("exp n=%d j=%d", n, j).isCloseTo(xs[5 + j], within(1e-6 * xs[5 + j] + ABS_TOL));
      assertThat((double) xs[5 + j]).isCloseTo(Math.exp(x0[5 + j] + shift), within(1e-6 * xs[5 + j]));
    }
    assertPaddingUnchanged(xp, x0, 5, n);
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void scaleAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(1100 + n);
    float[] x0 = padded(rng, 2, n);
    float[] xs = x0.clone();
    float[] xp = x0.clone();
    scalar.scale(xs, 2, n, -0.75f);
    panama.scale(xp, 2, n, -0.75f);
    for (int j = 0; j < n; j++) assertThat(xp[2 + j]).as("scale n=%d j=%d", n, j).isEqualTo(xs[2 + j]);
    assertPaddingUnchanged(xp, x0, 2, n);
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void addBiasReluAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(1200 + n);
    float[] x0 = padded(rng, 4, n);
    float[] bias = padded(rng, 9, n);
    for (boolean relu : new boolean[] {true, false}) {
      float[] xs = x0.clone();
      float[] xp = x0.clone();
      scalar.addBiasRelu(xs, 4, n, bias, 9, relu);
      panama.addBiasRelu(xp, 4, n, bias, 9, relu);
      for (int j = 0; j < n; j++) {
        float expected = relu ? Math.max(0f, x0[4 + j] + bias[9 + j]) : x0[4 + j] + bias[9 + j];
        assertThat(xs[4 + j]).as("scalar relu=%s n=%d j=%d", relu, n, j).isEqualTo(expected);
        assertThat(xp[4 + j]).as("panama relu=%s n=%d j=%d", relu, n, j).isEqualTo(xs[4 + j]);
      }
      assertPaddingUnchanged(xp, x0, 4, n);
    }
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void reluMaskAgreesWithScalar(int n) {
    SplittableRandom rng = new SplittableRandom(1300 + n);
    float[] g0 = padded(rng, 6, n);
    float[] a = padded(rng, 1, n);
    if (n > 0) a[1 + n - 1] = 0f; // exactly zero is masked (the rectifier was off there)
    float[] gs = g0.clone();
    float[] gp = g0.clone();
    scalar.reluMask(gs, 6, a, 1, n);
    panama.reluMask(gp, 6, a, 1, n);
    for (int j = 0; j < n; j++) {
      assertThat(gs[6 + j]).as("scalar n=%d j=%d", n, j).isEqualTo(a[1 + j] > 0f ? g0[6 + j] : 0f);
      assertThat(gp[6 + j]).as("panama n=%d j=%d", n, j).isEqualTo(gs[6 + j]);
    }
    assertPaddingUnchanged(gp, g0, 6, n);
  }
}
