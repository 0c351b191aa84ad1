package dev.kindred.math;

import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * Sparse (CSR) times dense products, the propagation step of graph models: a validating facade
 * over the implementation chosen once per JVM, the Vector API one when {@link VectorOps} runs SIMD
 * kernels (same rule: {@code --add-modules jdk.incubator.vector}; {@code -Dkindred.kernels=scalar}
 * forces the twin), else {@link ScalarSpmmKernels}. Which one runs is logged once. Both give the
 * same bits (see {@link SpmmKernels}), so results do not depend on the implementation or on the
 * number of threads.
 *
 * <p>Dense operands are row-major: {@code x} holds {@code cols} rows of {@code k} floats,
 * {@code x[c * k + j]}; {@code y} holds {@code rows} rows of {@code k}. Only the first
 * {@code cols * k} (resp. {@code rows * k}) floats are used, so a buffer sized for the largest of
 * several calls can be reused.
 *
 * <p>Threads: with a pool of more than one thread the rows are cut into {@code 4 * threads} blocks
 * of about equal cost ({@code nnz + rows}, since each row writes {@code k} floats and each entry
 * gathers {@code k}), each written by one task, so no two tasks write the same row. Cost: {@code 2 *
 * nnz * k} flops; memory traffic about {@code nnz * (4 + 4 + 4k)} bytes read plus {@code rows * 4k}
 * written (see the SpMM benchmark in docs/benchmarks.md).
 */
public final class SparseKernels {

  private static final SpmmKernels IMPL = choose();
  private static final int BLOCKS_PER_THREAD = 4;

  private SparseKernels() {}

  private static SpmmKernels choose() {
    System.Logger log = System.getLogger(SparseKernels.class.getName());
    if (!VectorOps.isVectorized()) {
      log.log(Level.DEBUG, "sparse kernels: scalar");
      return new ScalarSpmmKernels();
    }
    try {
      SpmmKernels k = (SpmmKernels) Class.forName("dev.kindred.math.PanamaSpmmKernels").getDeclaredConstructor()
          .newInstance();
      log.log(Level.DEBUG, "sparse kernels: Vector API");
      return k;
    } catch (ReflectiveOperationException | LinkageError e) {
      log.log(Level.WARNING, "sparse kernels: scalar; Vector API unavailable: " + e);
      return new ScalarSpmmKernels();
    }
  }

  /** True when the Vector API implementation is in use. */
  public static boolean isVectorized() {
    return !(IMPL instanceof ScalarSpmmKernels);
  }

  /**
   * {@code y[rows x k] = a[rows x cols] * x[cols x k]}; dense row-major; {@code y} overwritten (its
   * old contents are not read). Multi-threaded over row blocks (balanced by nnz) when {@code pool}
   * has more than one thread.
   *
   * @throws IllegalArgumentException if {@code k < 1}, an array is too short, or {@code x == y}
   */
  public static void spmm(CsrMatrix a, float[] x, int k, float[] y, WorkerPool pool) {
    spmmAccumulate(a, x, k, 1f, 0f, y, pool);
  }

  /**
   * {@code y = beta * y + alpha * (a * x)}: the fused form propagation and layer sums need. With
   * {@code beta == 0} this is {@link #spmm} scaled: {@code y} is not read.
   *
   * @throws IllegalArgumentException if {@code k < 1}, an array is too short, {@code x == y}, or
   *     {@code alpha} or {@code beta} is not finite
   */
  public static void spmmAccumulate(CsrMatrix a, float[] x, int k, float alpha, float beta, float[] y,
      WorkerPool pool) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    Objects.requireNonNull(pool, "pool");
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (!Float.isFinite(alpha) || !Float.isFinite(beta)) {
      throw new IllegalArgumentException("alpha and beta must be finite, got alpha=" + alpha + " beta=" + beta);
    }
    if (x == y) {
      throw new IllegalArgumentException("x and y must be different arrays (y is written while x is read)");
    }
    long xNeed = (long) a.cols() * k;
    long yNeed = (long) a.rows() * k;
    if (x.length < xNeed) {
      throw new IllegalArgumentException("x must hold cols * k = " + a.cols() + " * " + k + " = " + xNeed
          + " floats, got " + x.length);
    }
    if (y.length < yNeed) {
      throw new IllegalArgumentException("y must hold rows * k = " + a.rows() + " * " + k + " = " + yNeed
          + " floats, got " + y.length);
    }
    int rows = a.rows();
    int[] rowPtr = a.rowPtr();
    int[] colIdx = a.colIdx();
    float[] values = a.values();
    if (pool.threads() == 1 || rows < 2) {
      IMPL.spmmRows(rowPtr, colIdx, values, x, k, alpha, beta, y, 0, rows);
      return;
    }
    int[] bounds = balancedRowBlocks(rowPtr, rows, Math.min(rows, BLOCKS_PER_THREAD * pool.threads()));
    pool.compute(bounds.length - 1,
        b -> IMPL.spmmRows(rowPtr, colIdx, values, x, k, alpha, beta, y, bounds[b], bounds[b + 1]));
  }

  /**
   * Block boundaries {@code 0 = b[0] <= b[1] <= ... <= b[blocks] = rows} such that each block's cost
   * {@code (rowPtr[b[i+1]] + b[i+1]) - (rowPtr[b[i]] + b[i])} is about {@code (nnz + rows) / blocks}.
   * The cost is increasing in the row, so each boundary is found by binary search.
   */
  static int[] balancedRowBlocks(int[] rowPtr, int rows, int blocks) {
    int[] bounds = new int[blocks + 1];
    long total = (long) rowPtr[rows] + rows;
    for (int i = 1; i < blocks; i++) {
      long target = total * i / blocks;
      int lo = bounds[i - 1];
      int hi = rows;
      // Smallest r in [lo, rows] with rowPtr[r] + r >= target.
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if ((long) rowPtr[mid] + mid < target) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      bounds[i] = lo;
    }
    bounds[blocks] = rows;
    return bounds;
  }

  /** The implementation in use, for the differential test. */
  static SpmmKernels kernels() {
    return IMPL;
  }
}
