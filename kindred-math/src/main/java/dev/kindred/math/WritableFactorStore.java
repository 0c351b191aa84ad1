package dev.kindred.math;

/**
 * A {@link FactorStore} a trainer writes row by row: the on-heap fp32 {@link FactorMatrix}, or the
 * off-heap 16-bit {@link HalfFactors} that holds a large side's training state in half the bytes.
 * Disjoint rows may be written by different threads; a row must not be read while it is written.
 */
public interface WritableFactorStore extends FactorStore {

  /** Overwrites row {@code r} with {@code src[srcOff .. srcOff + dim)}, rounded to {@link #precision()}. */
  void setRow(int r, float[] src, int srcOff);
}
