package dev.kindred.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API sparse times dense product. Loaded reflectively by {@link SparseKernels} only when the
 * Vector API is in use; bit-identical to {@link ScalarSpmmKernels} (tested at awkward sizes).
 *
 * <p>Register blocking: for each output row, a strip of up to four vectors of columns (64 floats on
 * AVX-512, the whole row at k = 64) is accumulated in registers across the row's stored entries:
 * per entry, one broadcast of the value and four loads of the gathered row of {@code x} feed four
 * FMAs. The output row is written once, so {@code y} traffic is one store per element (plus one
 * load when {@code beta != 0}). Four independent chains do not cover two FMA ports at 4-cycle
 * latency, but the gathered rows of {@code x} come from L2/L3 or memory and the kernel is
 * bandwidth-bound: more accumulators (two entries at a time) would also change the summation order
 * the scalar twin must reproduce.
 */
final class PanamaSpmmKernels implements SpmmKernels {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  @Override
  public void spmmRows(int[] rowPtr, int[] colIdx, float[] values, float[] x, int k, float alpha, float beta,
      float[] y, int from, int to) {
    for (int r = from; r < to; r++) {
      int p0 = rowPtr[r];
      int p1 = rowPtr[r + 1];
      int yo = r * k;
      int j = 0;
      for (; j + 4 * L <= k; j += 4 * L) {
        strip4(colIdx, values, p0, p1, x, k, j, alpha, beta, y, yo);
      }
      for (; j + L <= k; j += L) {
        strip1(colIdx, values, p0, p1, x, k, j, alpha, beta, y, yo);
      }
      for (; j < k; j++) {
        float acc = 0f;
        for (int p = p0; p < p1; p++) {
          acc = Math.fma(values[p], x[colIdx[p] * k + j], acc);
        }
        y[yo + j] = beta == 0f ? alpha * acc : alpha * acc + beta * y[yo + j];
      }
    }
  }

  /** Columns {@code [j, j + 4L)} of one output row. */
  private static void strip4(int[] colIdx, float[] values, int p0, int p1, float[] x, int k, int j, float alpha,
      float beta, float[] y, int yo) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = FloatVector.zero(S);
    FloatVector a2 = FloatVector.zero(S);
    FloatVector a3 = FloatVector.zero(S);
    for (int p = p0; p < p1; p++) {
      FloatVector v = FloatVector.broadcast(S, values[p]);
      int xo = colIdx[p] * k + j;
      a0 = v.fma(FloatVector.fromArray(S, x, xo), a0);
      a1 = v.fma(FloatVector.fromArray(S, x, xo + L), a1);
      a2 = v.fma(FloatVector.fromArray(S, x, xo + 2 * L), a2);
      a3 = v.fma(FloatVector.fromArray(S, x, xo + 3 * L), a3);
    }
    store(a0, alpha, beta, y, yo + j);
    store(a1, alpha, beta, y, yo + j + L);
    store(a2, alpha, beta, y, yo + j + 2 * L);
    store(a3, alpha, beta, y, yo + j + 3 * L);
  }

  /** Columns {@code [j, j + L)} of one output row. */
  private static void strip1(int[] colIdx, float[] values, int p0, int p1, float[] x, int k, int j, float alpha,
      float beta, float[] y, int yo) {
    FloatVector a0 = FloatVector.zero(S);
    for (int p = p0; p < p1; p++) {
      a0 = FloatVector.broadcast(S, values[p]).fma(FloatVector.fromArray(S, x, colIdx[p] * k + j), a0);
    }
    store(a0, alpha, beta, y, yo + j);
  }

  private static void store(FloatVector acc, float alpha, float beta, float[] y, int o) {
    FloatVector out = acc.mul(alpha);
    if (beta != 0f) {
      out = out.add(FloatVector.fromArray(S, y, o).mul(beta));
    }
    out.intoArray(y, o);
  }
}
