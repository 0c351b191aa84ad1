package dev.kindred.train.graph;

import dev.kindred.math.CsrMatrix;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.ItemPanels;
import dev.kindred.math.PanelKernels;
import dev.kindred.math.PanelScoring;
import dev.kindred.math.SparseKernels;
import dev.kindred.math.VectorOps;
import dev.kindred.math.WorkerPool;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Top right singular vectors of a sparse matrix {@code A} ({@code m x n}) by randomized subspace
 * iteration (Halko, Martinsson and Tropp, "Finding structure with randomness", SIAM Review 2011,
 * arXiv:0909.4061, algorithm 4.4 with the Rayleigh-Ritz step of algorithm 5.3), run on the
 * {@code n x n} Gram operator {@code A^T A} without forming it:
 * <ol>
 *   <li>{@code Y = Omega}, an {@code n x l} standard Gaussian sketch ({@code l = rank + p}, rounded
 *       up to the panel width of the dense kernel).
 *   <li>{@code q} times: {@code Q = orth(Y)}, {@code Y = A^T (A Q)} (two SpMMs).
 *   <li>{@code Q = orth(Y)}, {@code B = A Q}, and the eigendecomposition
 *       {@code B^T B = W S^2 W^T} ({@code l x l}, in double); {@code V = Q W} restricted to the
 *       {@code rank} largest eigenvalues.
 * </ol>
 * {@code orth} is eigendecomposition-based: with {@code Y^T Y = U L U^T}, {@code Q = Y U L^-1/2}
 * (directions with {@code L} below {@code 1e-10} of the largest are dropped to zero columns). It
 * squares the condition number of {@code Y}, which the re-orthonormalisation before every product
 * keeps near {@code sigma_1^2 / sigma_l^2}.
 *
 * <p>Departures: the paper's QR is replaced by the Gram eigendecomposition above (the products are
 * blocked matrix kernels instead of Householder sweeps); Gram matrices are summed in float within
 * blocks of {@value #GRAM_ROWS} rows and in double across blocks.
 *
 * <p>Cost: {@code (q + 1)} times {@code 4 * nnz * l} flops of SpMM, {@code 2 * n * l^2} flops of
 * Gram matrices and {@code 2 * n * l^2} flops of basis updates per orthonormalisation, and one
 * {@code l x l} eigendecomposition per orthonormalisation. Memory: three {@code max(m, n) x l}
 * float arrays. The result does not depend on the thread count: every parallel sum runs over a
 * fixed partition of the rows, added in a fixed order.
 */
final class RandomizedSvd {

  static final int GRAM_ROWS = 256;
  /** Fixed number of Gram partials, so that the sum does not depend on the thread count. */
  static final int GRAM_PARTS = 8;
  static final double DROP = 1e-10;

  /** {@code V} (columns are singular vectors, {@code n x rank} row-major) and the singular values. */
  record Result(float[] v, int rank, double[] singularValues) {}

  private final CsrMatrix a;
  private final CsrMatrix at;
  private final WorkerPool pool;
  private final int l;

  RandomizedSvd(CsrMatrix a, CsrMatrix at, int sketch, WorkerPool pool) {
    this.a = a;
    this.at = at;
    this.pool = pool;
    this.l = sketch;
  }

  /** Sketch width: {@code rank + oversampling} rounded up to the dense kernel's panel width. */
  static int sketchWidth(int rank, int oversampling) {
    int w = PanelScoring.panelWidth();
    return (rank + oversampling + w - 1) / w * w;
  }

  Result run(int rank, int powerIterations, long seed) {
    int n = a.cols();
    int m = a.rows();
    if (rank > Math.min(m, n)) {
      throw new IllegalArgumentException("rank " + rank + " exceeds min(rows, cols) = " + Math.min(m, n) + " of "
          + a);
    }
    int width = Math.min(l, n);
    float[] y = new float[n * width];
    SplittableRandom rng = new SplittableRandom(seed);
    for (int x = 0; x < y.length; x++) {
      y[x] = (float) rng.nextGaussian();
    }
    float[] q = new float[n * width];
    float[] z = new float[m * width];
    for (int it = 0; it < powerIterations; it++) {
      orthonormalize(y, n, width, q);
      SparseKernels.spmm(a, q, width, z, pool);
      SparseKernels.spmm(at, z, width, y, pool);
    }
    orthonormalize(y, n, width, q);
    SparseKernels.spmm(a, q, width, z, pool);
    EigenDecomposition_F64<DMatrixRMaj> eig = symmetricEigen(gram(z, m, width), width);
    int[] order = descending(eig, width);
    double[] sigma = new double[rank];
    double[] w = new double[width * rank];
    for (int c = 0; c < rank; c++) {
      sigma[c] = Math.sqrt(Math.max(0, eig.getEigenvalue(order[c]).getReal()));
      DMatrixRMaj vec = eig.getEigenVector(order[c]);
      for (int r = 0; r < width; r++) {
        w[r * rank + c] = vec.get(r, 0);
      }
    }
    float[] v = new float[n * rank];
    times(q, n, width, w, rank, v);
    return new Result(v, rank, sigma);
  }

  /** {@code q = orth(y)} ({@code rows x cols}, row-major), see the class comment. */
  private void orthonormalize(float[] y, int rows, int cols, float[] q) {
    EigenDecomposition_F64<DMatrixRMaj> eig = symmetricEigen(gram(y, rows, cols), cols);
    int[] order = descending(eig, cols);
    double top = Math.max(0, eig.getEigenvalue(order[0]).getReal());
    double[] t = new double[cols * cols];
    for (int c = 0; c < cols; c++) {
      double lambda = eig.getEigenvalue(order[c]).getReal();
      double scale = lambda > DROP * top ? 1 / Math.sqrt(lambda) : 0;
      DMatrixRMaj vec = eig.getEigenVector(order[c]);
      for (int r = 0; r < cols; r++) {
        t[r * cols + c] = vec.get(r, 0) * scale;
      }
    }
    times(y, rows, cols, t, cols, q);
  }

  /** {@code Y^T Y} ({@code cols x cols}, both triangles) of a row-major {@code rows x cols} array. */
  private DMatrixRMaj gram(float[] y, int rows, int cols) {
    double[][] partials = new double[GRAM_PARTS][cols * cols];
    pool.compute(GRAM_PARTS, part -> {
      int from = (int) ((long) rows * part / GRAM_PARTS);
      int to = (int) ((long) rows * (part + 1) / GRAM_PARTS);
      float[] block = new float[cols * cols];
      double[] sum = partials[part];
      for (int r = from; r < to; r += GRAM_ROWS) {
        Arrays.fill(block, 0f);
        VectorOps.kernels().gramAccumulate(y, r * cols, Math.min(GRAM_ROWS, to - r), cols, block, 0);
        for (int i = 0; i < cols; i++) {
          for (int j = 0; j <= i; j++) {
            sum[i * cols + j] += block[i * cols + j];
          }
        }
      }
    });
    DMatrixRMaj g = new DMatrixRMaj(cols, cols);
    for (int i = 0; i < cols; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (double[] p : partials) {
          s += p[i * cols + j];
        }
        g.set(i, j, s);
        g.set(j, i, s);
      }
    }
    return g;
  }

  private static EigenDecomposition_F64<DMatrixRMaj> symmetricEigen(DMatrixRMaj g, int n) {
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
    if (!eig.decompose(g)) {
      throw new IllegalStateException("symmetric eigendecomposition of a " + n + " x " + n + " Gram matrix failed");
    }
    return eig;
  }

  /** Indices of the eigenvalues, largest first (ties by index, so the order is deterministic). */
  private static int[] descending(EigenDecomposition_F64<DMatrixRMaj> eig, int n) {
    return IntStream.range(0, n).boxed()
        .sorted((i, j) -> {
          int c = Double.compare(eig.getEigenvalue(j).getReal(), eig.getEigenvalue(i).getReal());
          return c != 0 ? c : Integer.compare(i, j);
        })
        .mapToInt(Integer::intValue).toArray();
  }

  /**
   * {@code out = x (rows x inner) * b (inner x cols, double, row-major)}, {@code out} being
   * {@code rows x cols} row-major, by the blocked scoring kernel: the columns of {@code b} are packed as the "items"
   * of {@link ItemPanels}, blocks of rows of {@code x} are the "users".
   */
  private void times(float[] x, int rows, int inner, double[] b, int cols, float[] out) {
    FactorMatrix bt = new FactorMatrix(cols, inner);
    for (int c = 0; c < cols; c++) {
      for (int r = 0; r < inner; r++) {
        bt.set(c, r, (float) b[r * cols + c]);
      }
    }
    int width = PanelScoring.panelWidth();
    int panels = (cols + width - 1) / width;
    ItemPanels packed = new ItemPanels(bt, null, width, panels);
    int stride = panels * width;
    int blockRows = 64;
    int blocks = (rows + blockRows - 1) / blockRows;
    PanelKernels kern = PanelScoring.kernels();
    pool.compute(pool.threads(), t -> {
      float[] tmp = new float[blockRows * stride];
      for (int blk = t; blk < blocks; blk += pool.threads()) {
        int from = blk * blockRows;
        int nRows = Math.min(blockRows, rows - from);
        kern.scorePanels(x, from * inner, nRows, inner, packed.tile(0), 0, panels, width, tmp, 0, stride);
        for (int r = 0; r < nRows; r++) {
          System.arraycopy(tmp, r * stride, out, (from + r) * cols, cols);
        }
      }
    });
  }
}
