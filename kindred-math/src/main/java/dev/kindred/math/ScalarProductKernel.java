package dev.kindred.math;

/**
 * The scalar twin of {@code PanamaProductKernel}: the textbook triple loop over a packed tile, with
 * the same tile shape and the same order of fused multiply-adds (so the two agree bit for bit).
 */
final class ScalarProductKernel implements ProductKernel {

  private final int rows;
  private final int cols;

  /** A twin of a kernel of {@code rows x cols} (the Vector API one is {@code 12 x (2 * lanes)}). */
  ScalarProductKernel(int rows, int cols) {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("tile must be positive, got " + rows + " x " + cols);
    }
    this.rows = rows;
    this.cols = cols;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int cols() {
    return cols;
  }

  @Override
  public void multiplyAdd(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc) {
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < cols; j++) {
        float s = c[co + r * ldc + j];
        for (int k = 0; k < kc; k++) s = Math.fma(ap[ao + k * rows + r], bp[bo + k * cols + j], s);
        c[co + r * ldc + j] = s;
      }
    }
  }
}
