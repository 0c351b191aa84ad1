package dev.kindred.math;

/**
 * Sparse times dense kernels behind {@link SparseKernels}. Two implementations: a Vector API one
 * ({@code PanamaSpmmKernels}) and its plain scalar twin ({@link ScalarSpmmKernels}).
 *
 * <p>Both compute every output in the same order, so they agree bit for bit: per output element,
 * a fused multiply-add chain over the row's stored entries in increasing position, starting from
 * zero, then {@code alpha * acc + beta * y} with separately rounded products (or {@code alpha * acc}
 * when {@code beta == 0}). Lanes run over the dense columns, so no lane reduction is involved and
 * the result does not depend on the vector width.
 *
 * <p>Implementations assume valid arguments.
 */
interface SpmmKernels {

  /**
   * For rows {@code r} in {@code [from, to)} of the CSR matrix ({@code rowPtr, colIdx, values}):
   * {@code y[r*k + j] = alpha * (sum_p values[p] * x[colIdx[p]*k + j]) + beta * y[r*k + j]} for
   * {@code j < k}. With {@code beta == 0}, {@code y} is only written (a NaN there does not survive).
   */
  void spmmRows(int[] rowPtr, int[] colIdx, float[] values, float[] x, int k, float alpha, float beta, float[] y,
      int from, int to);
}
