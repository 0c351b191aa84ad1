package dev.kindred.math;

/**
 * Exact solve of one row's {@link NormalEquations}: assemble {@code A_r} (lower triangle) and
 * {@code b_r}, factor with {@link Cholesky} (the right-looking form), substitute. Ignores the warm start.
 *
 * <p>Cost {@code n_r dim^2 / 2 + dim^3 / 6 + dim^2} multiply-adds. Holds a {@code dim x dim}
 * matrix and two vectors of scratch: one instance per thread, allocated once.
 */
public final class CholeskySolver implements NormalEquations.Solver {

  /** Floats of padding after each scratch array: one vector of the widest shape (2048 bits). */
  private static final int PAD = 64;

  private final int dim;
  private final float[] a;
  private final float[] b;
  private final float[] column;

  public CholeskySolver(int dim) {
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be > 0, got " + dim);
    }
    this.dim = dim;
    // Padding past the last row keeps the kernels' masked tails on the Vector API's fast path
    // (a masked access whose full vector would cross the array end is checked lane by lane).
    this.a = new float[dim * dim + PAD];
    this.b = new float[dim];
    this.column = new float[dim + PAD];
  }

  /**
   * @throws IllegalArgumentException if the row's system is not positive definite (no ridge
   *     shift and fewer entries than {@code dim}, or degenerate factors)
   */
  @Override
  public void solve(NormalEquations eq, int row, float[] x, int xo) {
    if (eq.dim() != dim) {
      throw new IllegalArgumentException("system dim " + eq.dim() + " != solver dim " + dim);
    }
    eq.assemble(row, a, b);
    if (!Cholesky.factor(a, dim, column)) {
      throw new IllegalArgumentException("row " + row + ": normal equations are not positive definite ("
          + eq.entries(row) + " entries, shift " + eq.shift(row) + ")");
    }
    Cholesky.solve(a, dim, b);
    System.arraycopy(b, 0, x, xo, dim);
  }
}
