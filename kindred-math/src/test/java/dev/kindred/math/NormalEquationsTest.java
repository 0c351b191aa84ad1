package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link NormalEquations}, {@link Gram} and the two solvers against a dense double-precision
 * oracle: {@code A_r} and {@code b_r} built entry by entry from the class comment's formulas.
 * Tolerance: float results of sums of {@code n} terms agree with the double oracle to
 * {@code 1e-4} relative to the sum of magnitudes.
 */
class NormalEquationsTest {

  static final int ROWS_OF_M = 40;
  static final int SYSTEMS = 6;

  /** A random M, and a CSR W with 0 to 25 entries per row (row 0 empty), increasing indices. */
  record Fixture(FactorMatrix m, int[] ptr, int[] idx, float[] w) {
    static Fixture of(int dim, long seed) {
      SplittableRandom rng = new SplittableRandom(seed);
      FactorMatrix m = new FactorMatrix(ROWS_OF_M, dim);
      m.fillGaussian(rng, 0.3f);
      int[] ptr = new int[SYSTEMS + 1];
      int[] idx = new int[SYSTEMS * ROWS_OF_M];
      float[] w = new float[idx.length];
      int n = 0;
      for (int r = 0; r < SYSTEMS; r++) {
        int want = r == 0 ? 0 : 1 + rng.nextInt(25);
        for (int i = 0; i < ROWS_OF_M; i++) {
          if (rng.nextInt(ROWS_OF_M) < want) {
            idx[n] = i;
            w[n] = 1 + rng.nextInt(4);
            n++;
          }
        }
        ptr[r + 1] = n;
      }
      return new Fixture(m, ptr, idx, w);
    }

    float[] gram() {
      float[] g = new float[m.dim() * m.dim()];
      Gram.compute(m, 0, m.rows(), g);
      return g;
    }
  }

  /** Dense A_r (both triangles) and b_r in double, straight from the definition. */
  static double[][] oracle(Fixture f, float[] gram, int r, float h0, float h1, float t0, float t1, float shift) {
    int d = f.m().dim();
    double[][] ab = new double[d + 1][d]; // rows 0..d-1: A, row d: b
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        ab[a][b] = gram == null ? 0 : gram[a * d + b];
      }
      ab[a][a] += shift;
    }
    for (int j = f.ptr()[r]; j < f.ptr()[r + 1]; j++) {
      float[] mj = f.m().row(f.idx()[j]);
      double h = h0 + h1 * f.w()[j];
      double t = t0 + t1 * f.w()[j];
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) ab[a][b] += h * mj[a] * mj[b];
        ab[d][a] += t * mj[a];
      }
    }
    return ab;
  }

  static double tol(double[][] ab, float[] x, int a) {
    double mag = Math.abs(ab[ab.length - 1][a]);
    for (int b = 0; b < x.length; b++) mag += Math.abs(ab[a][b] * x[b]);
    return 1e-4 * mag + 1e-6;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 64, 67})
  void productsMatchTheDenseSystem(int dim) {
    Fixture f = Fixture.of(dim, dim);
    float[] gram = f.gram();
    float alpha = 2.5f;
    float lambda = 0.3f;
    NormalEquations implicit = NormalEquations.confidenceWeighted(f.m(), gram, f.ptr(), f.idx(), f.w(), alpha, lambda, false);
    NormalEquations explicit = NormalEquations.leastSquares(f.m(), f.ptr(), f.idx(), f.w(), 1.5f, lambda, true);
    SplittableRandom rng = new SplittableRandom(3);
    for (int r = 0; r < SYSTEMS; r++) {
      int n = f.ptr()[r + 1] - f.ptr()[r];
      check(implicit, oracle(f, gram, r, 0f, alpha, 1f, alpha, lambda), r, rng);
      check(explicit, oracle(f, null, r, 1f, 0f, -1.5f, 1f, lambda * n), r, rng);
    }
  }

  private static void check(NormalEquations eq, double[][] ab, int r, SplittableRandom rng) {
    int d = eq.dim();
    float[] x = new float[d];
    for (int c = 0; c < d; c++) x[c] = (float) rng.nextDouble(-1, 1);
    float[] out = new float[d];
    eq.multiply(r, x, 0, out, 0);
    for (int a = 0; a < d; a++) {
      double ax = 0;
      for (int b = 0; b < d; b++) ax += ab[a][b] * x[b];
      assertThat((double) out[a]).as("A x row %d [%d]", r, a).isCloseTo(ax, within(tol(ab, x, a)));
    }
    eq.residual(r, x, 0, out);
    for (int a = 0; a < d; a++) {
      double res = ab[d][a];
      for (int b = 0; b < d; b++) res -= ab[a][b] * x[b];
      assertThat((double) out[a]).as("b - A x row %d [%d]", r, a).isCloseTo(res, within(tol(ab, x, a)));
    }
    float[] a = new float[d * d];
    float[] b = new float[d];
    eq.assemble(r, a, b);
    for (int i = 0; i < d; i++) {
      assertThat((double) b[i]).as("b row %d [%d]", r, i).isCloseTo(ab[d][i], within(tol(ab, new float[d], i)));
      for (int j = 0; j <= i; j++) {
        assertThat((double) a[i * d + j]).as("A row %d (%d, %d)", r, i, j)
            .isCloseTo(ab[i][j], within(1e-4 * (Math.abs(ab[i][j]) + 1)));
      }
    }
  }

  /** Enough CG steps (dim, in exact arithmetic) reach the Cholesky solution; each step from a warm start lowers the
   * error in the A-norm. */
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 64})
  void conjugateGradientConvergesToTheCholeskySolution(int dim) {
    Fixture f = Fixture.of(dim, 100 + dim);
    NormalEquations eq = NormalEquations.confidenceWeighted(f.m(), f.gram(), f.ptr(), f.idx(), f.w(), 3f, 0.5f, false);
    CholeskySolver exact = new CholeskySolver(dim);
    ConjugateGradientSolver full = new ConjugateGradientSolver(dim, 2 * dim);
    ConjugateGradientSolver three = new ConjugateGradientSolver(dim, 3);
    for (int r = 0; r < SYSTEMS; r++) {
      float[] xs = new float[dim];
      exact.solve(eq, r, xs, 0);
      float[] xc = new float[dim];
      full.solve(eq, r, xc, 0);
      double norm = 0;
      for (float v : xs) norm += v * v;
      norm = Math.sqrt(norm);
      for (int c = 0; c < dim; c++) {
        assertThat((double) xc[c]).as("row %d [%d]", r, c).isCloseTo(xs[c], within(2e-3 * norm + 1e-6));
      }
      // Warm start a little off the solution: the error in the A-norm, which CG minimises over a
      // growing Krylov space, falls with every step.
      float[] xw = xs.clone();
      for (int c = 0; c < dim; c++) xw[c] += 0.1f * (float) Math.sin(c + r + 1);
      float[] x1 = xw.clone();
      double before = energyError(eq, r, xw, xs);
      new ConjugateGradientSolver(dim, 1).solve(eq, r, x1, 0);
      three.solve(eq, r, xw, 0);
      double afterOne = energyError(eq, r, x1, xs);
      assertThat(afterOne).as("row %d, one step", r).isLessThan(before);
      assertThat(energyError(eq, r, xw, xs)).as("row %d, three steps", r).isLessThanOrEqualTo(afterOne * 1.001 + 1e-4 * before);
    }
  }

  /** {@code sqrt((x - xs)^T A (x - xs))}. */
  static double energyError(NormalEquations eq, int r, float[] x, float[] xs) {
    float[] e = new float[x.length];
    for (int c = 0; c < x.length; c++) e[c] = x[c] - xs[c];
    float[] ae = new float[x.length];
    eq.multiply(r, e, 0, ae, 0);
    double s = 0;
    for (int c = 0; c < x.length; c++) s += (double) e[c] * ae[c];
    return Math.sqrt(s);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 13, 64, 207})
  void parallelGramIsDeterministicAndMatchesTheDefinition(int dim) {
    SplittableRandom rng = new SplittableRandom(dim);
    FactorMatrix m = new FactorMatrix(1003, dim);
    m.fillGaussian(rng, 1f);
    float[] g1 = new float[dim * dim];
    float[] g2 = new float[dim * dim];
    float[][] partials = new float[3][dim * dim];
    try (WorkerPool pool = WorkerPool.create(2, "test-gram")) {
      Gram.compute(m, g1, partials, pool);
      Gram.compute(m, g2, new float[][] {new float[dim * dim], new float[dim * dim], new float[dim * dim]}, pool);
    }
    assertThat(g2).as("same partial count, same bits").containsExactly(g1);
    for (int a = 0; a < dim; a += Math.max(1, dim / 9)) {
      for (int b = 0; b < dim; b++) {
        double s = 0;
        double mag = 0;
        for (int r = 0; r < m.rows(); r++) {
          s += (double) m.get(r, a) * m.get(r, b);
          mag += Math.abs((double) m.get(r, a) * m.get(r, b));
        }
        assertThat((double) g1[a * dim + b]).as("(%d, %d)", a, b).isCloseTo(s, within(1e-5 * mag));
        assertThat(g1[a * dim + b]).as("symmetric (%d, %d)", a, b).isEqualTo(g1[b * dim + a]);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void choleskyReportsASingularSystem() {
    Fixture f = Fixture.of(13, 5);
    // No ridge and at most a few entries: A_r has rank below 13.
    NormalEquations eq = NormalEquations.leastSquares(f.m(), f.ptr(), f.idx(), f.w(), 0f, 0f, false);
    assertThatThrownBy(() -> new CholeskySolver(13).solve(eq, 0, new float[13], 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 0").hasMessageContaining("positive definite");
  }
}
