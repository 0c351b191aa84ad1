package dev.kindred.math;

import java.util.Arrays;

/**
 * Plain Java twin of {@code PanamaSpmmKernels}: the readable version, the oracle of the
 * differential test and the fallback when the Vector API is absent. Bit-identical to it (see
 * {@link SpmmKernels}).
 */
final class ScalarSpmmKernels implements SpmmKernels {

  @Override
  public void spmmRows(int[] rowPtr, int[] colIdx, float[] values, float[] x, int k, float alpha, float beta,
      float[] y, int from, int to) {
    // One row of accumulators per call, so the gathered rows of x are read contiguously.
    float[] acc = new float[k];
    for (int r = from; r < to; r++) {
      Arrays.fill(acc, 0f);
      for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++) {
        float v = values[p];
        int xo = colIdx[p] * k;
        for (int j = 0; j < k; j++) {
          acc[j] = Math.fma(v, x[xo + j], acc[j]);
        }
      }
      int yo = r * k;
      if (beta == 0f) {
        for (int j = 0; j < k; j++) {
          y[yo + j] = alpha * acc[j];
        }
      } else {
        for (int j = 0; j < k; j++) {
          y[yo + j] = alpha * acc[j] + beta * y[yo + j];
        }
      }
    }
  }
}
