package dev.kindred.math;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Plain-loop twin of the Vector API segment kernels: the readable definition, and the fallback. */
final class ScalarSegmentKernels implements SegmentKernels {

  static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** Element {@code j} after {@code off}, widened to fp32. */
  static float get(MemorySegment seg, long off, FactorPrecision p, long j) {
    return switch (p) {
      case FP32 -> seg.get(F32, off + 4 * j);
      case BF16 -> FactorPrecision.fromBf16(seg.get(I16, off + 2 * j));
      case FP16 -> Float.float16ToFloat(seg.get(I16, off + 2 * j));
    };
  }

  @Override
  public float dot(MemorySegment seg, long off, FactorPrecision p, float[] x, int xo, int n) {
    float s = 0f;
    for (int d = 0; d < n; d++) {
      s += get(seg, off, p, d) * x[xo + d];
    }
    return s;
  }

  @Override
  public void widen(MemorySegment seg, long off, FactorPrecision p, float[] dst, int dstOff, int n) {
    for (int d = 0; d < n; d++) {
      dst[dstOff + d] = get(seg, off, p, d);
    }
  }

  @Override
  public long firstNonFinite(MemorySegment seg, long off, FactorPrecision p, long n) {
    for (long j = 0; j < n; j++) {
      if (!Float.isFinite(get(seg, off, p, j))) return j;
    }
    return -1;
  }
}
