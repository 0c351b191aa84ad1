package dev.kindred.math;

import java.lang.foreign.MemorySegment;

/**
 * Kernels over factors stored in a {@link MemorySegment} (a memory-mapped model file), elements
 * little-endian in a {@link FactorPrecision}, widened to fp32 on load and accumulated in fp32.
 * Offsets are in bytes; {@code n}, {@code rows} and {@code dim} count elements. Implementations
 * trust their caller's shapes: {@link SegmentScoring} validates.
 */
public interface SegmentKernels {

  /** {@code sum_d v[d] * x[xo + d]} over the {@code n} elements of {@code seg} at {@code off}. */
  float dot(MemorySegment seg, long off, FactorPrecision p, float[] x, int xo, int n);

  /**
   * {@code out[oo + r] = row_r . x[xo ..]} for {@code rows} consecutive rows of {@code dim} elements
   * at {@code off}: one {@link #dot} per row, since the scan is memory-bound (it streams the mapping
   * while {@code x} stays in L1).
   */
  default void gemv(MemorySegment seg, long off, FactorPrecision p, int rows, int dim, float[] x, int xo, float[] out,
      int oo) {
    long rowBytes = (long) dim * p.bytes();
    for (int r = 0; r < rows; r++) {
      out[oo + r] = dot(seg, off + r * rowBytes, p, x, xo, dim);
    }
  }

  /** Widens {@code n} elements at {@code off} into {@code dst[dstOff ..]}. */
  void widen(MemorySegment seg, long off, FactorPrecision p, float[] dst, int dstOff, int n);

  /** Index of the first NaN or infinity among {@code n} elements at {@code off}, or -1. */
  long firstNonFinite(MemorySegment seg, long off, FactorPrecision p, long n);
}
