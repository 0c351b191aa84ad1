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
    // Accumulators start from C itself, as in the scalar twin, so C is read and written once per call.
    int r1 = co + ldc;
    int r2 = co + 2 * ldc;
    int r3 = co + 3 * ldc;
    FloatVector c00 = load(c, co), c01 = load(c, co + L), c02 = load(c, co + 2 * L), c03 = load(c, co + 3 * L);
    FloatVector c10 = load(c, r1), c11 = load(c, r1 + L), c12 = load(c, r1 + 2 * L), c13 = load(c, r1 + 3 * L);
    FloatVector c20 = load(c, r2), c21 = load(c, r2 + L), c22 = load(c, r2 + 2 * L), c23 = load(c, r2 + 3 * L);
    FloatVector c30 = load(c, r3), c31 = load(c, r3 + L), c32 = load(c, r3 + 2 * L), c33 = load(c, r3 + 3 * L);
    int a = ao;
    int b = bo;
    for (int k = 0; k < kc; k++, a += ROWS, b += COLS) {
      FloatVector b0 = FloatVector.fromArray(S, bp, b);
      FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
      FloatVector b2 = FloatVector.fromArray(S, bp, b + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, bp, b + 3 * L);
      FloatVector x = FloatVector.broadcast(S, ap[a]);
      c00 = b0.fma(x, c00);
      c01 = b1.fma(x, c01);
      c02 = b2.fma(x, c02);
      c03 = b3.fma(x, c03);
      x = FloatVector.broadcast(S, ap[a + 1]);
      c10 = b0.fma(x, c10);
      c11 = b1.fma(x, c11);
      c12 = b2.fma(x, c12);
      c13 = b3.fma(x, c13);
      x = FloatVector.broadcast(S, ap[a + 2]);
      c20 = b0.fma(x, c20);
      c21 = b1.fma(x, c21);
      c22 = b2.fma(x, c22);
      c23 = b3.fma(x, c23);
      x = FloatVector.broadcast(S, ap[a + 3]);
      c30 = b0.fma(x, c30);
      c31 = b1.fma(x, c31);
      c32 = b2.fma(x, c32);
      c33 = b3.fma(x, c33);
    }
    store(c, co, c00, c01, c02, c03);
    store(c, r1, c10, c11, c12, c13);
    store(c, r2, c20, c21, c22, c23);
    store(c, r3, c30, c31, c32, c33);
  }

  private static FloatVector load(float[] c, int o) {
    return FloatVector.fromArray(S, c, o);
  }

  private static void store(float[] c, int o, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
    v0.intoArray(c, o);
    v1.intoArray(c, o + L);
    v2.intoArray(c, o + 2 * L);
    v3.intoArray(c, o + 3 * L);
  }
}
