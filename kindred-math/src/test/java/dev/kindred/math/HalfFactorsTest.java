package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HalfFactors} and the paths that read a store other than {@link FactorMatrix}: the
 * {@link Gram} of widened blocks and {@link NormalEquations}' gathered entries, each against the
 * in-place path on an fp32 matrix holding the same (rounded) values. Rows with more entries than
 * {@link NormalEquations#GATHER} make the gathered path take several chunks.
 */
class HalfFactorsTest {

  static final int ROWS = 700;

  /** The store and an fp32 matrix of exactly its values. */
  record Pair(HalfFactors half, FactorMatrix exact) {
    static Pair of(int dim, FactorPrecision p, long seed) {
      HalfFactors half = new HalfFactors(ROWS, dim, p);
      half.fillGaussian(new SplittableRandom(seed), 0.4f);
      FactorMatrix exact = new FactorMatrix(ROWS, dim);
      float[] row = new float[dim];
      for (int r = 0; r < ROWS; r++) {
        half.copyRow(r, row, 0);
        exact.setRow(r, row, 0);
      }
      return new Pair(half, exact);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 64, 67})
  void rowsAreTheRoundedGaussianFillOfAnFp32Matrix(int dim) {
    for (FactorPrecision p : new FactorPrecision[] {FactorPrecision.BF16, FactorPrecision.FP16}) {
      Pair pair = Pair.of(dim, p, dim);
      FactorMatrix fp32 = new FactorMatrix(ROWS, dim);
      fp32.fillGaussian(new SplittableRandom(dim), 0.4f);
      for (int r = 0; r < ROWS; r += 13) {
        for (int c = 0; c < dim; c++) {
          assertThat(pair.exact().get(r, c)).isEqualTo(p.decode16(p.encode16(fp32.get(r, c))));
        }
      }
      float[] v = new float[dim];
      for (int c = 0; c < dim; c++) v[c] = 1f + c / 3f;
      pair.half().setRow(5, v, 0);
      float[] back = pair.half().row(5);
      for (int c = 0; c < dim; c++) assertThat(back[c]).isEqualTo(p.decode16(p.encode16(v[c])));
      assertThat(pair.half().byteSize()).isEqualTo(2L * ROWS * dim);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 64, 67})
  void gramOfWidenedBlocksEqualsTheInPlaceGram(int dim) {
    Pair pair = Pair.of(dim, FactorPrecision.BF16, 31 + dim);
    float[] want = new float[dim * dim];
    float[] got = new float[dim * dim];
    Gram.compute(pair.exact(), 0, ROWS, want);
    Gram.compute(pair.half(), 0, ROWS, got);
    assertThat(got).containsExactly(want);
    try (WorkerPool pool = WorkerPool.create(2, "half-factors-test")) {
      float[][] partials = new float[2][dim * dim];
      Gram.compute(pair.exact(), want, partials, pool);
      Gram.compute(pair.half(), got, partials, pool);
      assertThat(got).containsExactly(want);
    }
  }

  /**
   * Gathered and in-place products agree to float rounding of the partial sums: within
   * {@code 1e-6 (1 + n) (1 + |value|)} for a row of {@code n} entries (the gathered path adds chunks of
   * {@value NormalEquations#GATHER} entries, the in-place one may sum them in another order).
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 64, 67})
  void gatheredEquationsMatchInPlaceOnes(int dim) {
    Pair pair = Pair.of(dim, FactorPrecision.BF16, 77 + dim);
    SplittableRandom rng = new SplittableRandom(dim);
    int[] sizes = {0, 1, 255, 256, 257, 600};
    int[] ptr = new int[sizes.length + 1];
    int[] idx = new int[ROWS * sizes.length];
    float[] w = new float[idx.length];
    int n = 0;
    for (int r = 0; r < sizes.length; r++) {
      for (int i = 0, taken = 0; i < ROWS && taken < sizes[r]; i++) {
        if (rng.nextInt(ROWS - i) < sizes[r] - taken) {
          idx[n] = i;
          w[n++] = 1 + rng.nextInt(4);
          taken++;
        }
      }
      ptr[r + 1] = n;
    }
    float[] gram = new float[dim * dim];
    Gram.compute(pair.exact(), 0, ROWS, gram);
    NormalEquations[][] eqs = {
        {NormalEquations.confidenceWeighted(pair.exact(), gram, ptr, idx, w, 2.5f, 0.3f, false),
            NormalEquations.confidenceWeighted(pair.half(), gram, ptr, idx, w, 2.5f, 0.3f, false)},
        {NormalEquations.leastSquares(pair.exact(), ptr, idx, w, 1.5f, 0.3f, true),
            NormalEquations.leastSquares(pair.half(), ptr, idx, w, 1.5f, 0.3f, true)}};
    float[] x = new float[dim];
    for (int c = 0; c < dim; c++) x[c] = (float) rng.nextDouble(-1, 1);
    for (NormalEquations[] e : eqs) {
      for (int r = 0; r < sizes.length; r++) {
        int entries = ptr[r + 1] - ptr[r];
        float[][] out = new float[2][dim];
        float[][] a = new float[2][dim * dim];
        float[][] b = new float[2][dim];
        for (int s = 0; s < 2; s++) {
          e[s].multiply(r, x, 0, out[s], 0);
          e[s].assemble(r, a[s], b[s]);
        }
        for (int c = 0; c < dim; c++) {
          assertThat(out[1][c]).as("A x row %d [%d]", r, c).isCloseTo(out[0][c], within(tol(entries, out[0][c])));
          assertThat(b[1][c]).as("b row %d [%d]", r, c).isCloseTo(b[0][c], within(tol(entries, b[0][c])));
          for (int d = 0; d <= c; d++) {
            assertThat(a[1][c * dim + d]).isCloseTo(a[0][c * dim + d], within(tol(entries, a[0][c * dim + d])));
          }
        }
        e[0].residual(r, x, 0, out[0]);
        e[1].residual(r, x, 0, out[1]);
        for (int c = 0; c < dim; c++) {
          assertThat(out[1][c]).as("b - A x row %d [%d]", r, c).isCloseTo(out[0][c], within(tol(entries, out[0][c])));
        }
      }
    }
  }

  private static float tol(int entries, float want) {
    return (float) (1e-6 * (1 + entries) * (1 + Math.abs(want)));
  }

  @ParameterizedTest
  @ValueSource(ints = {4})
  void refusesFp32AndBadShapes(int dim) {
    assertThatThrownBy(() -> new HalfFactors(3, dim, FactorPrecision.FP32)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("HalfFactors hold a 16-bit precision, not fp32");
    assertThatThrownBy(() -> new HalfFactors(3, 0, FactorPrecision.BF16)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rows must be >= 0 and dim > 0, got rows=3 dim=0");
    HalfFactors h = new HalfFactors(3, dim, FactorPrecision.BF16);
    assertThatThrownBy(() -> h.setRow(3, new float[dim], 0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(new HalfFactors(0, dim, FactorPrecision.BF16).rows()).isZero();
  }
}
