package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
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
}
