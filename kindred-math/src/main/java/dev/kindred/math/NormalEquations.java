package dev.kindred.math;

import java.util.Arrays;
import java.util.Objects;

/**
 * The normal equations of a family of ridge regressions against one fixed factor matrix
 * {@code M}: one system per row {@code r} of a sparse matrix {@code W} held in CSR form
 * ({@code ptr}, {@code idx}, {@code w}),
 * <pre>
 *   A_r x = b_r,   A_r = G + s_r I + sum_j h_j m_j m_j^T,   b_r = sum_j t_j m_j,
 *   h_j = h0 + h1 w_j,   t_j = t0 + t1 w_j,   s_r = s0 + s1 n_r,
 * </pre>
 * where {@code j} runs over the row's {@code n_r} entries, {@code m_j} is row {@code idx[j]} of
 * {@code M}, {@code w_j = w[j]} and {@code G} is an optional symmetric matrix shared by every
 * row. This is the subproblem of alternating least squares:
 * <ul>
 *   <li>implicit feedback (Hu, Koren, Volinsky 2008), confidence {@code c = 1 + alpha w}:
 *       {@code G = M^T M}, {@code h = c - 1 = alpha w}, {@code t = c}, {@code s = lambda}
 *       ({@link #confidenceWeighted});
 *   <li>explicit ratings: no {@code G}, {@code h = 1}, {@code t = w - offset},
 *       {@code s = lambda n_r} (ALS-WR) or {@code lambda} ({@link #leastSquares}).
 * </ul>
 *
 * <p>{@link #multiply} and {@link #residual} never form {@code A_r}: they cost {@code dim^2}
 * multiply-adds (with {@code G}) plus {@code 2 dim} per entry, against {@code n_r dim^2 / 2} for
 * {@link #assemble} (register-tiled over the gathered rows, {@link Kernels#sparseGramLower}).
 *
 * <p>{@code M} is an on-heap {@link FactorMatrix}, whose rows the kernels read in place, or any
 * other {@link FactorStore} (a 16-bit {@link HalfFactors}): then a row's entries are gathered, up to
 * {@value #GATHER} at a time, widened into a per-thread fp32 buffer, and handed to the same kernels,
 * one extra copy of each row read.
 *
 * <p>Immutable view over caller-owned arrays (do not modify them while in use); safe to share
 * between threads, each with its own output buffers.
 */
public final class NormalEquations {

  /** Solves one row's system in place, warm-starting from the current {@code x}. */
  public interface Solver {
    /**
     * Overwrites {@code x[xo .. xo + dim)} with (an approximation of) the solution of row
     * {@code row}'s system, starting from its current value.
     */
    void solve(NormalEquations eq, int row, float[] x, int xo);
  }

  /** Entries gathered per kernel call when {@code M} is not a {@link FactorMatrix}. */
  static final int GATHER = 256;

  private final FactorMatrix m; // null when M is another store, read through gathered
  private final FactorStore store;
  private final ThreadLocal<Gathered> gathered; // null for a FactorMatrix
  private final float[] gram; // null when G is absent
  private final int[] ptr;
  private final int[] idx;
  private final float[] w;
  private final float h0;
  private final float h1;
  private final float t0;
  private final float t1;
  private final float s0;
  private final float s1;
  private final int dim;
  private final boolean singlePage;

  /**
   * Systems over {@code M}'s rows; see the class comment for the symbols.
   *
   * @param gram the shared {@code dim x dim} symmetric matrix (both triangles), or null for none
   */
  public NormalEquations(FactorStore m, float[] gram, int[] ptr, int[] idx, float[] w, float h0, float h1, float t0,
      float t1, float s0, float s1) {
    this.store = Objects.requireNonNull(m, "m");
    this.m = m instanceof FactorMatrix fm ? fm : null;
    int dims = m.dim();
    this.gathered = this.m == null ? ThreadLocal.withInitial(() -> new Gathered(dims)) : null;
    this.ptr = Objects.requireNonNull(ptr, "ptr");
    this.idx = Objects.requireNonNull(idx, "idx");
    this.w = Objects.requireNonNull(w, "w");
    this.dim = m.dim();
    if (gram != null && gram.length < dim * dim) {
      throw new IllegalArgumentException("gram holds " + gram.length + " floats, need dim^2 = " + dim * dim);
    }
    if (ptr.length == 0 || ptr[0] != 0 || ptr[ptr.length - 1] > idx.length || idx.length > w.length) {
      throw new IllegalArgumentException("ptr must start at 0 and end within idx (" + idx.length
          + "), and w must cover idx (" + w.length + ")");
    }
    this.gram = gram;
    this.h0 = h0;
    this.h1 = h1;
    this.t0 = t0;
    this.t1 = t1;
    this.s0 = s0;
    this.s1 = s1;
    this.singlePage = this.m != null && this.m.isSinglePage();
  }

  /** One thread's buffers for gathered entries: rows widened to fp32, their weights, and indices 0..GATHER-1. */
  private static final class Gathered {
    final float[] rows;
    final float[] w = new float[GATHER];
    final int[] local = new int[GATHER];

    Gathered(int dim) {
      rows = new float[GATHER * dim];
      Arrays.setAll(local, j -> j);
    }
  }

  /** Widens the rows of entries {@code [from, from + n)} and copies their weights into {@code g}. */
  private void gather(Gathered g, int from, int n) {
    for (int j = 0; j < n; j++) store.copyRow(idx[from + j], g.rows, j * dim);
    System.arraycopy(w, from, g.w, 0, n);
  }

  /**
   * Weighted least squares with confidence {@code c_j = 1 + alpha w_j} and preference 1 on every
   * entry, 0 (with confidence 1) on every other row of {@code M}:
   * {@code A_r = M^T M + lambda_r I + sum_j alpha w_j m_j m_j^T}, {@code b_r = sum_j (1 + alpha w_j) m_j},
   * {@code lambda_r = lambda * (weighted ? n_r : 1)}.
   */
  public static NormalEquations confidenceWeighted(FactorStore m, float[] gram, int[] ptr, int[] idx, float[] w,
      float alpha, float lambda, boolean weighted) {
    Objects.requireNonNull(gram, "gram");
    return new NormalEquations(m, gram, ptr, idx, w, 0f, alpha, 1f, alpha, weighted ? 0f : lambda,
        weighted ? lambda : 0f);
  }

  /**
   * Ordinary least squares on the entries, targets {@code w_j - offset}:
   * {@code A_r = sum_j m_j m_j^T + lambda_r I}, {@code b_r = sum_j (w_j - offset) m_j},
   * {@code lambda_r = lambda * (weighted ? n_r : 1)}.
   */
  public static NormalEquations leastSquares(FactorStore m, int[] ptr, int[] idx, float[] w, float offset,
      float lambda, boolean weighted) {
    return new NormalEquations(m, null, ptr, idx, w, 1f, 0f, -offset, 1f, weighted ? 0f : lambda,
        weighted ? lambda : 0f);
  }

  public int dim() {
    return dim;
  }

  /** Number of systems (rows of {@code W}). */
  public int rows() {
    return ptr.length - 1;
  }

  /** Entries {@code n_r} of row {@code r}. */
  public int entries(int r) {
    return ptr[r + 1] - ptr[r];
  }

  /** The diagonal shift {@code s_r}. */
  public float shift(int r) {
    return s0 + s1 * entries(r);
  }

  /** {@code out[oo ..] = A_r p}, without forming {@code A_r}; {@code out} must not overlap {@code p}. */
  public void multiply(int r, float[] p, int po, float[] out, int oo) {
    Kernels k = VectorOps.kernels();
    float s = shift(r);
    if (gram != null) {
      k.symv(gram, 0, dim, s, p, po, out, oo);
    } else {
      for (int c = 0; c < dim; c++) {
        out[oo + c] = s * p[po + c];
      }
    }
    sparse(k, r, 0f, 0f, h0, h1, p, po, out, oo);
  }

  /** {@code out[0 .. dim) = b_r - A_r x}, in one pass over the row's entries. */
  public void residual(int r, float[] x, int xo, float[] out) {
    Kernels k = VectorOps.kernels();
    float s = shift(r);
    if (gram != null) {
      k.symv(gram, 0, dim, s, x, xo, out, 0);
      for (int c = 0; c < dim; c++) {
        out[c] = -out[c];
      }
    } else {
      for (int c = 0; c < dim; c++) {
        out[c] = -s * x[xo + c];
      }
    }
    sparse(k, r, t0, t1, -h0, -h1, x, xo, out, 0);
  }

  /** {@code out[0 .. dim) = b_r}. */
  public void rhs(int r, float[] out) {
    Arrays.fill(out, 0, dim, 0f);
    sparse(VectorOps.kernels(), r, t0, t1, 0f, 0f, null, 0, out, 0);
  }

  /**
   * Writes the lower triangle of {@code A_r} into {@code a} (row-major {@code dim x dim}; the
   * strict upper triangle is left unspecified) and {@code b_r} into {@code b}.
   */
  public void assemble(int r, float[] a, float[] b) {
    Kernels k = VectorOps.kernels();
    if (gram != null) {
      System.arraycopy(gram, 0, a, 0, dim * dim);
    } else {
      Arrays.fill(a, 0, dim * dim, 0f);
    }
    float s = shift(r);
    for (int c = 0; c < dim; c++) {
      a[c * dim + c] += s;
    }
    if ((h0 != 0f || h1 != 0f) && m == null) {
      Gathered g = gathered.get();
      for (int from = ptr[r], to = ptr[r + 1], n; from < to; from += n) {
        n = Math.min(GATHER, to - from);
        gather(g, from, n);
        k.sparseGramLower(g.rows, dim, g.local, 0, g.w, 0, n, h0, h1, a);
      }
    } else if (h0 != 0f || h1 != 0f) {
      for (int from = ptr[r], to = ptr[r + 1], end; from < to; from = end) {
        end = runEnd(from, to);
        k.sparseGramLower(m.page(idx[from]), dim, idx, rowBase(idx[from]), w, from, end, h0, h1, a);
      }
    }
    rhs(r, b);
  }

  /**
   * The row's entries through {@link Kernels#sparseGramVec}, one call per run of entries whose
   * rows share a page of {@code M} (a single call unless {@code M} spans several pages).
   */
  private void sparse(Kernels k, int r, float ta, float tb, float ha, float hb, float[] x, int xo, float[] y, int yo) {
    if (m == null) {
      Gathered g = gathered.get();
      for (int from = ptr[r], to = ptr[r + 1], n; from < to; from += n) {
        n = Math.min(GATHER, to - from);
        gather(g, from, n);
        k.sparseGramVec(g.rows, dim, g.local, 0, g.w, 0, n, ta, tb, ha, hb, x, xo, y, yo);
      }
      return;
    }
    for (int from = ptr[r], to = ptr[r + 1], end; from < to; from = end) {
      end = runEnd(from, to);
      k.sparseGramVec(m.page(idx[from]), dim, idx, rowBase(idx[from]), w, from, end, ta, tb, ha, hb, x, xo, y, yo);
    }
  }

  /** End of the run of entries from {@code from} whose rows of {@code M} live in the same page. */
  private int runEnd(int from, int to) {
    if (singlePage) {
      return to;
    }
    float[] page = m.page(idx[from]);
    int end = from + 1;
    while (end < to && m.page(idx[end]) == page) {
      end++;
    }
    return end;
  }

  /** The index of the first row of {@code row}'s page: kernels address rows as {@code (idx - rowBase) * dim}. */
  private int rowBase(int row) {
    return row - m.offset(row) / dim;
  }
}
