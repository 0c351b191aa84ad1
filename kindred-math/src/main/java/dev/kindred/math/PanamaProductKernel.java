package dev.kindred.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API micro-kernel of {@link MatrixProduct}: a {@code 4 x (4 * lanes)} tile of {@code C}
 * (4 x 64 on AVX-512) held in 16 accumulators. Bit-identical to {@link ScalarProductKernel} of the
 * same shape (tested at awkward sizes).
 *
 * <p>Register blocking: per step {@code k} it loads 4 vectors of the B sliver and broadcasts 4
 * values of the A sliver for 16 FMAs. Eight loads per 16 FMAs stay within two loads per cycle while
 * both FMA ports are busy; 16 independent chains cover the 4-cycle FMA latency of two ports (8 in
 * flight needed); 16 accumulators + 4 B vectors + 1 broadcast use 21 of the 32 vector registers, so
 * C2 does not spill. The same shape measured best for {@code PanamaPanelKernels} (4x4 over 8x3, 6x4,
 * 4x3). Both slivers are read sequentially, so the hardware prefetcher streams them.
 */
final class PanamaProductKernel implements ProductKernel {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  static final int ROWS = 4;
  static final int COLS = 4 * L;

  @Override
  public int rows() {
    return ROWS;
  }

  @Override
  public int cols() {
    return COLS;
  }

  @Override
  public void multiplyAdd(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
    FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    int a = ao;
    int b = bo;
    for (int k = 0; k < kc; k++, a += ROWS, b += COLS) {
      FloatVector b0 = FloatVector.fromArray(S, bp, b);
      FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
      FloatVector b2 = FloatVector.fromArray(S, bp, b + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, bp, b + 3 * L);
      FloatVector x = FloatVector.broadcast(S, ap[a]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      c02 = x.fma(b2, c02);
      c03 = x.fma(b3, c03);
      x = FloatVector.broadcast(S, ap[a + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      c12 = x.fma(b2, c12);
      c13 = x.fma(b3, c13);
      x = FloatVector.broadcast(S, ap[a + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      c22 = x.fma(b2, c22);
      c23 = x.fma(b3, c23);
      x = FloatVector.broadcast(S, ap[a + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      c32 = x.fma(b2, c32);
      c33 = x.fma(b3, c33);
    }
    addRow(c, co, c00, c01, c02, c03);
    addRow(c, co + ldc, c10, c11, c12, c13);
    addRow(c, co + 2 * ldc, c20, c21, c22, c23);
    addRow(c, co + 3 * ldc, c30, c31, c32, c33);
  }

  private static void addRow(float[] c, int o, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
    FloatVector.fromArray(S, c, o).add(v0).intoArray(c, o);
    FloatVector.fromArray(S, c, o + L).add(v1).intoArray(c, o + L);
    FloatVector.fromArray(S, c, o + 2 * L).add(v2).intoArray(c, o + 2 * L);
    FloatVector.fromArray(S, c, o + 3 * L).add(v3).intoArray(c, o + 3 * L);
  }
}
