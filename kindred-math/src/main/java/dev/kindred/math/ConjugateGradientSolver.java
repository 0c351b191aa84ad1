package dev.kindred.math;

/**
 * A fixed number of conjugate-gradient steps on one row's {@link NormalEquations}, warm-started
 * from the row's current vector, as proposed for implicit ALS by Takacs, Pilaszy and Tikk,
 * "Applications of the conjugate gradient method for implicit feedback collaborative filtering",
 * RecSys 2011 (doi:10.1145/2043932.2043987). {@code A_r} is never formed: each step costs one
 * {@link NormalEquations#multiply} ({@code dim^2 + 2 dim n_r} multiply-adds with a shared Gram
 * matrix) plus {@code 5 dim} for the vector updates, and the initial residual one more pass;
 * against {@code n_r dim^2 / 2 + dim^3 / 6} for assembling and factoring {@code A_r}.
 *
 * <p>The textbook recurrence, written out:
 * <pre>
 *   r = b - A x;  p = r;  rr = r.r
 *   repeat steps times while rr > tolerance:
 *     Ap = A p;  a = rr / p.Ap
 *     x += a p;  r -= a Ap
 *     rr' = r.r;  p = r + (rr' / rr) p;  rr = rr'
 * </pre>
 * A step whose curvature {@code p.Ap} is not positive (an indefinite system, or NaN) ends the solve
 * and keeps {@code x}.
 *
 * <p>Holds three {@code dim}-vectors of scratch: one instance per thread, allocated once.
 */
public final class ConjugateGradientSolver implements NormalEquations.Solver {

  /** Squared residual norm below which the solve stops early (as in benfred/implicit). */
  public static final float TOLERANCE = 1e-20f;

  private final int dim;
  private final int steps;
  private final float[] r;
  private final float[] p;
  private final float[] ap;

  public ConjugateGradientSolver(int dim, int steps) {
    if (dim <= 0 || steps <= 0) {
      throw new IllegalArgumentException("dim and steps must be > 0, got dim=" + dim + " steps=" + steps);
    }
    this.dim = dim;
    this.steps = steps;
    this.r = new float[dim];
    this.p = new float[dim];
    this.ap = new float[dim];
  }

  public int steps() {
    return steps;
  }

  @Override
  public void solve(NormalEquations eq, int row, float[] x, int xo) {
    if (eq.dim() != dim) {
      throw new IllegalArgumentException("system dim " + eq.dim() + " != solver dim " + dim);
    }
    Kernels k = VectorOps.kernels();
    eq.residual(row, x, xo, r);
    System.arraycopy(r, 0, p, 0, dim);
    float rr = k.dot(r, 0, r, 0, dim);
    for (int step = 0; step < steps && rr > TOLERANCE; step++) {
      eq.multiply(row, p, 0, ap, 0);
      float curvature = k.dot(p, 0, ap, 0, dim);
      if (!(curvature > 0f)) {
        return;
      }
      float a = rr / curvature;
      k.axpy(a, p, 0, x, xo, dim);
      if (step == steps - 1) {
        return;
      }
      k.axpy(-a, ap, 0, r, 0, dim);
      float rrNext = k.dot(r, 0, r, 0, dim);
      float beta = rrNext / rr;
      for (int c = 0; c < dim; c++) {
        p[c] = r[c] + beta * p[c];
      }
      rr = rrNext;
    }
  }
}
