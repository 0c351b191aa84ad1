package dev.kindred.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API micro-kernel of {@link MatrixProduct}: a {@code 12 x (2 * lanes)} tile of {@code C}
 * (12 x 32 on AVX-512) held in 24 accumulators. Bit-identical to {@link ScalarProductKernel} of the
 * same shape (tested at awkward sizes).
 *
 * <p>Register blocking: per step {@code k} it loads the 2 vectors of the B sliver and broadcasts
 * each of the 12 values of the A sliver from memory (a load, not a shuffle, so the FMA ports stay
 * free) for 24 FMAs. 24 independent chains cover the 4-cycle latency of two FMA ports (8 in flight
 * needed) with room to spare; 24 accumulators + 2 B vectors + 1 broadcast use 27 of the 32 vector
 * registers, so C2 does not spill (14 x 32 does, and ran at 36%). Measured against
 * the 4 x 64 tile used before, on an L1-resident sliver with process CPU time on the shared
 * machine: 4 x 64 at 70% of the register-only FMA loop, 8 x 32 at 83%, 6 x 48 at 67%, 12 x 32 at
 * 83-86%. Two B vectors also keep a {@code 256 x 32} B sliver at 32 KB, inside the 48 KB L1 at
 * {@code kc = 256}. Indices are computed from {@code k} (not stepped), so C2 can hoist the range
 * checks out of the loop.
 */
final class PanamaProductKernel implements ProductKernel {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  static final int ROWS = 12;
  static final int COLS = 2 * L;

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
    // Accumulators start from C itself, as in the scalar twin, so C is read and written once per
    // call (starting from zero, C2 did not keep them in registers).
    int o0 = co;
    int o1 = co + 1 * ldc;
    int o2 = co + 2 * ldc;
    int o3 = co + 3 * ldc;
    int o4 = co + 4 * ldc;
    int o5 = co + 5 * ldc;
    int o6 = co + 6 * ldc;
    int o7 = co + 7 * ldc;
    int o8 = co + 8 * ldc;
    int o9 = co + 9 * ldc;
    int o10 = co + 10 * ldc;
    int o11 = co + 11 * ldc;
    FloatVector c0a = load(c, o0), c0b = load(c, o0 + L);
    FloatVector c1a = load(c, o1), c1b = load(c, o1 + L);
    FloatVector c2a = load(c, o2), c2b = load(c, o2 + L);
    FloatVector c3a = load(c, o3), c3b = load(c, o3 + L);
    FloatVector c4a = load(c, o4), c4b = load(c, o4 + L);
    FloatVector c5a = load(c, o5), c5b = load(c, o5 + L);
    FloatVector c6a = load(c, o6), c6b = load(c, o6 + L);
    FloatVector c7a = load(c, o7), c7b = load(c, o7 + L);
    FloatVector c8a = load(c, o8), c8b = load(c, o8 + L);
    FloatVector c9a = load(c, o9), c9b = load(c, o9 + L);
    FloatVector c10a = load(c, o10), c10b = load(c, o10 + L);
    FloatVector c11a = load(c, o11), c11b = load(c, o11 + L);
    for (int k = 0; k < kc; k++) {
      int a = ao + k * ROWS;
      FloatVector b0 = load(bp, bo + k * COLS);
      FloatVector b1 = load(bp, bo + k * COLS + L);
      FloatVector x = FloatVector.broadcast(S, ap[a]);
      c0a = b0.fma(x, c0a);
      c0b = b1.fma(x, c0b);
      x = FloatVector.broadcast(S, ap[a + 1]);
      c1a = b0.fma(x, c1a);
      c1b = b1.fma(x, c1b);
      x = FloatVector.broadcast(S, ap[a + 2]);
      c2a = b0.fma(x, c2a);
      c2b = b1.fma(x, c2b);
      x = FloatVector.broadcast(S, ap[a + 3]);
      c3a = b0.fma(x, c3a);
      c3b = b1.fma(x, c3b);
      x = FloatVector.broadcast(S, ap[a + 4]);
      c4a = b0.fma(x, c4a);
      c4b = b1.fma(x, c4b);
      x = FloatVector.broadcast(S, ap[a + 5]);
      c5a = b0.fma(x, c5a);
      c5b = b1.fma(x, c5b);
      x = FloatVector.broadcast(S, ap[a + 6]);
      c6a = b0.fma(x, c6a);
      c6b = b1.fma(x, c6b);
      x = FloatVector.broadcast(S, ap[a + 7]);
      c7a = b0.fma(x, c7a);
      c7b = b1.fma(x, c7b);
      x = FloatVector.broadcast(S, ap[a + 8]);
      c8a = b0.fma(x, c8a);
      c8b = b1.fma(x, c8b);
      x = FloatVector.broadcast(S, ap[a + 9]);
      c9a = b0.fma(x, c9a);
      c9b = b1.fma(x, c9b);
      x = FloatVector.broadcast(S, ap[a + 10]);
      c10a = b0.fma(x, c10a);
      c10b = b1.fma(x, c10b);
      x = FloatVector.broadcast(S, ap[a + 11]);
      c11a = b0.fma(x, c11a);
      c11b = b1.fma(x, c11b);
    }
    c0a.intoArray(c, o0);
    c0b.intoArray(c, o0 + L);
    c1a.intoArray(c, o1);
    c1b.intoArray(c, o1 + L);
    c2a.intoArray(c, o2);
    c2b.intoArray(c, o2 + L);
    c3a.intoArray(c, o3);
    c3b.intoArray(c, o3 + L);
    c4a.intoArray(c, o4);
    c4b.intoArray(c, o4 + L);
    c5a.intoArray(c, o5);
    c5b.intoArray(c, o5 + L);
    c6a.intoArray(c, o6);
    c6b.intoArray(c, o6 + L);
    c7a.intoArray(c, o7);
    c7b.intoArray(c, o7 + L);
    c8a.intoArray(c, o8);
    c8b.intoArray(c, o8 + L);
    c9a.intoArray(c, o9);
    c9b.intoArray(c, o9 + L);
    c10a.intoArray(c, o10);
    c10b.intoArray(c, o10 + L);
    c11a.intoArray(c, o11);
    c11b.intoArray(c, o11 + L);
  }

  private static FloatVector load(float[] x, int o) {
    return FloatVector.fromArray(S, x, o);
  }
}
