package dev.kindred.math;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API segment kernels. A 16-bit load reads half a float register's worth of shorts and
 * widens them to ints: bf16 is then a 16-bit left shift; fp16 is rebuilt from its fields (the
 * exponent-and-mantissa bits shifted into binary32 position and scaled by {@code 2^112}, which is
 * exact for normal and subnormal halves alike, with infinities and NaNs patched by a mask). Agrees
 * with {@link ScalarSegmentKernels} up to float reassociation (tested at awkward sizes).
 */
final class PanamaSegmentKernels implements SegmentKernels {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
  private static final VectorSpecies<Short> HALF = VectorSpecies.of(short.class,
      VectorShape.forBitSize(S.vectorBitSize() / 2));
  private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  /** {@code L} elements at {@code off}, widened to fp32. */
  private static FloatVector load(MemorySegment seg, long off, FactorPrecision p) {
    return switch (p) {
      case FP32 -> FloatVector.fromMemorySegment(S, seg, off, LE);
      case BF16 -> ((IntVector) ShortVector.fromMemorySegment(HALF, seg, off, LE)
          .convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
      case FP16 -> halfToFloat((IntVector) ShortVector.fromMemorySegment(HALF, seg, off, LE)
          .convertShape(VectorOperators.ZERO_EXTEND_S2I, I, 0));
    };
  }

  /** binary16 bits (zero-extended) to binary32 values, as {@link Float#float16ToFloat} lane by lane. */
  private static FloatVector halfToFloat(IntVector h) {
    IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
    IntVector magnitude = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
    IntVector scaled = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
    VectorMask<Integer> special = h.and(0x7C00).eq(0x7C00);
    return scaled.blend(magnitude.or(0x7F800000), special).or(sign).reinterpretAsFloats();
  }

  @Override
  public float dot(MemorySegment seg, long off, FactorPrecision p, float[] x, int xo, int n) {
    int b = p.bytes();
    int j = 0;
    float s = 0f;
    if (n >= L) {
      // Two accumulators hide the FMA latency for the common k = 32..256, as in PanamaKernels.dot.
      FloatVector acc0 = FloatVector.zero(S);
      FloatVector acc1 = FloatVector.zero(S);
      for (; j <= n - 2 * L; j += 2 * L) {
        acc0 = load(seg, off + (long) j * b, p).fma(FloatVector.fromArray(S, x, xo + j), acc0);
        acc1 = load(seg, off + (long) (j + L) * b, p).fma(FloatVector.fromArray(S, x, xo + j + L), acc1);
      }
      if (j <= n - L) {
        acc0 = load(seg, off + (long) j * b, p).fma(FloatVector.fromArray(S, x, xo + j), acc0);
        j += L;
      }
      s = PanamaKernels.sum(acc0.add(acc1));
    }
    for (; j < n; j++) {
      s += ScalarSegmentKernels.get(seg, off, p, j) * x[xo + j];
    }
    return s;
  }

  @Override
  public void widen(MemorySegment seg, long off, FactorPrecision p, float[] dst, int dstOff, int n) {
    int j = 0;
    for (; j <= n - L; j += L) {
      load(seg, off + (long) j * p.bytes(), p).intoArray(dst, dstOff + j);
    }
    for (; j < n; j++) {
      dst[dstOff + j] = ScalarSegmentKernels.get(seg, off, p, j);
    }
  }

  @Override
  public long firstNonFinite(MemorySegment seg, long off, FactorPrecision p, long n) {
    // Exponent all ones marks an infinity or NaN in each format; compare the raw bits a register at a time.
    if (p == FactorPrecision.FP32) {
      long j = 0;
      for (; j <= n - I.length(); j += I.length()) {
        VectorMask<Integer> bad = IntVector.fromMemorySegment(I, seg, off + 4 * j, LE).and(0x7F800000).eq(0x7F800000);
        if (bad.anyTrue()) return j + bad.firstTrue();
      }
      return tail(seg, off, p, j, n);
    }
    short exponent = (short) (p == FactorPrecision.BF16 ? 0x7F80 : 0x7C00);
    long j = 0;
    for (; j <= n - SHORTS.length(); j += SHORTS.length()) {
      VectorMask<Short> bad = ShortVector.fromMemorySegment(SHORTS, seg, off + 2 * j, LE).and(exponent).eq(exponent);
      if (bad.anyTrue()) return j + bad.firstTrue();
    }
    return tail(seg, off, p, j, n);
  }

  private static long tail(MemorySegment seg, long off, FactorPrecision p, long from, long n) {
    for (long j = from; j < n; j++) {
      if (!Float.isFinite(ScalarSegmentKernels.get(seg, off, p, j))) return j;
    }
    return -1;
  }
}
