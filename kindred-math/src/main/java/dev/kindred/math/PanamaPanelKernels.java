package dev.kindred.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API blocked scoring. Loaded reflectively by {@link PanelScoring} only when
 * {@code jdk.incubator.vector} is present; bit-identical to {@link ScalarPanelKernels} (tested at
 * awkward sizes).
 *
 * <p>Register blocking: a micro-kernel keeps a 4-user x 4-vector block of scores in 16
 * accumulators (4 x 64 items on AVX-512). Per dimension it loads 4 item vectors and broadcasts 4
 * user values for 16 FMAs, so loads stay under the two-per-cycle limit while the two FMA ports are
 * kept busy, and 16 independent chains hide the 4-cycle FMA latency. 16 accumulators + 4 item
 * vectors + 1 broadcast use 21 of the 32 vector registers, leaving C2 room to avoid spills. Measured
 * on the streaming top-K loop at k=64 (GFLOP/s, one core): 4x3 118, 8x3 108, 6x4 122, 4x4 133.
 * The panel ({@code (k + 1) * 64} floats, 16.6 KB at k=64) stays in L1 while every 4-user group of
 * the block passes over it.
 */
final class PanamaPanelKernels implements PanelKernels {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Items per panel on the fast path: four vectors. */
  private static final int W = 4 * L;
  private static final PanelKernels SCALAR = new ScalarPanelKernels();

  @Override
  public int preferredWidth() {
    return W;
  }

  @Override
  public void scorePanels(float[] users, int uo, int nUsers, int dim, float[] panels, int po, int nPanels, int width,
      float[] out, int oo, int outStride) {
    if (width != W) {
      // Any other width is only for tests and odd callers; the twin gives the same bits.
      SCALAR.scorePanels(users, uo, nUsers, dim, panels, po, nPanels, width, out, oo, outStride);
      return;
    }
    int panelFloats = (dim + 1) * W;
    // Panel outermost: its (dim + 1) * W floats are loaded into L1 once and reused by every user group.
    for (int p = 0; p < nPanels; p++) {
      int base = po + p * panelFloats;
      int col = oo + p * W;
      int u = 0;
      for (; u + 4 <= nUsers; u += 4) {
        micro4(users, uo + u * dim, dim, panels, base, out, col + u * outStride, outStride);
      }
      for (; u < nUsers; u++) {
        micro1(users, uo + u * dim, dim, panels, base, out, col + u * outStride);
      }
    }
  }

  /** Four users (rows {@code pu, pu + dim, ...}) against one panel at {@code base}. */
  private static void micro4(float[] users, int pu, int dim, float[] panels, int base, float[] out, int o,
      int outStride) {
    FloatVector b0 = FloatVector.fromArray(S, panels, base);
    FloatVector b1 = FloatVector.fromArray(S, panels, base + L);
    FloatVector b2 = FloatVector.fromArray(S, panels, base + 2 * L);
    FloatVector b3 = FloatVector.fromArray(S, panels, base + 3 * L);
    FloatVector a00 = b0, a01 = b1, a02 = b2, a03 = b3;
    FloatVector a10 = b0, a11 = b1, a12 = b2, a13 = b3;
    FloatVector a20 = b0, a21 = b1, a22 = b2, a23 = b3;
    FloatVector a30 = b0, a31 = b1, a32 = b2, a33 = b3;
    int q = base + W;
    for (int d = 0; d < dim; d++, q += W) {
      FloatVector q0 = FloatVector.fromArray(S, panels, q);
      FloatVector q1 = FloatVector.fromArray(S, panels, q + L);
      FloatVector q2 = FloatVector.fromArray(S, panels, q + 2 * L);
      FloatVector q3 = FloatVector.fromArray(S, panels, q + 3 * L);
      FloatVector x = FloatVector.broadcast(S, users[pu + d]);
      a00 = q0.fma(x, a00);
      a01 = q1.fma(x, a01);
      a02 = q2.fma(x, a02);
      a03 = q3.fma(x, a03);
      x = FloatVector.broadcast(S, users[pu + dim + d]);
      a10 = q0.fma(x, a10);
      a11 = q1.fma(x, a11);
      a12 = q2.fma(x, a12);
      a13 = q3.fma(x, a13);
      x = FloatVector.broadcast(S, users[pu + 2 * dim + d]);
      a20 = q0.fma(x, a20);
      a21 = q1.fma(x, a21);
      a22 = q2.fma(x, a22);
      a23 = q3.fma(x, a23);
      x = FloatVector.broadcast(S, users[pu + 3 * dim + d]);
      a30 = q0.fma(x, a30);
      a31 = q1.fma(x, a31);
      a32 = q2.fma(x, a32);
      a33 = q3.fma(x, a33);
    }
    store4(a00, a01, a02, a03, out, o);
    store4(a10, a11, a12, a13, out, o + outStride);
    store4(a20, a21, a22, a23, out, o + 2 * outStride);
    store4(a30, a31, a32, a33, out, o + 3 * outStride);
  }

  private static void store4(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3, float[] out, int o) {
    a0.intoArray(out, o);
    a1.intoArray(out, o + L);
    a2.intoArray(out, o + 2 * L);
    a3.intoArray(out, o + 3 * L);
  }

  /** The tail of a user block: one user, four chains (latency bound, but at most 3 users per call). */
  private static void micro1(float[] users, int pu, int dim, float[] panels, int base, float[] out, int o) {
    FloatVector a0 = FloatVector.fromArray(S, panels, base);
    FloatVector a1 = FloatVector.fromArray(S, panels, base + L);
    FloatVector a2 = FloatVector.fromArray(S, panels, base + 2 * L);
    FloatVector a3 = FloatVector.fromArray(S, panels, base + 3 * L);
    int q = base + W;
    for (int d = 0; d < dim; d++, q += W) {
      FloatVector x = FloatVector.broadcast(S, users[pu + d]);
      a0 = FloatVector.fromArray(S, panels, q).fma(x, a0);
      a1 = FloatVector.fromArray(S, panels, q + L).fma(x, a1);
      a2 = FloatVector.fromArray(S, panels, q + 2 * L).fma(x, a2);
      a3 = FloatVector.fromArray(S, panels, q + 3 * L).fma(x, a3);
    }
    store4(a0, a1, a2, a3, out, o);
  }

  @Override
  public int nextAtLeast(float[] s, int from, int to, float threshold) {
    int j = from;
    FloatVector t = FloatVector.broadcast(S, threshold);
    // Two vectors per test: most of a scan is rejections once the heap is full, so the loop is one
    // compare-and-branch per 2L scores. GE is false for NaN, as in TopKSelector.offerAll.
    for (; j + 2 * L <= to; j += 2 * L) {
      VectorMask<Float> m0 = FloatVector.fromArray(S, s, j).compare(VectorOperators.GE, t);
      VectorMask<Float> m1 = FloatVector.fromArray(S, s, j + L).compare(VectorOperators.GE, t);
      if (m0.or(m1).anyTrue()) {
        return m0.anyTrue() ? j + m0.firstTrue() : j + L + m1.firstTrue();
      }
    }
    for (; j < to; j++) {
      if (s[j] >= threshold) {
        return j;
      }
    }
    return to;
  }
}
