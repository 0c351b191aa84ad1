package dev.kindred.math;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A writable {@code rows x dim} factor table off heap in a 16-bit precision (bf16 or fp16): the
 * training state of a side too large for fp32, such as 50M users x 64 (6.4 GB instead of 12.8 GB).
 * Reads go through a {@link MappedFactors} view of the same memory, so every kernel that scores a
 * mapped model file reads this one, widening to fp32 and accumulating in fp32; writes round each
 * element to nearest ({@link FactorPrecision#encode16}).
 *
 * <p>Layout: as {@link MappedFactors} (row-major, little-endian 16-bit elements, may exceed 2 GiB), in
 * memory of an automatic arena, zeroed at allocation and freed when the store is unreachable.
 *
 * <p>Cost against an fp32 {@link FactorMatrix}: half the bytes; every write rounds (relative error at
 * most 2^-8 in bf16), so an algorithm whose next step reads these rows sees rounded values.
 * Thread-safety: as {@link WritableFactorStore}.
 */
public final class HalfFactors implements WritableFactorStore {

  private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final MemorySegment segment;
  private final MappedFactors view;
  private final FactorPrecision precision;

  /** A zero table of {@code rows x dim} elements in {@code precision} (bf16 or fp16). */
  public HalfFactors(int rows, int dim, FactorPrecision precision) {
    this.precision = Objects.requireNonNull(precision, "precision");
    if (precision.bytes() != 2) {
      throw new IllegalArgumentException("HalfFactors hold a 16-bit precision, not " + precision.label());
    }
    if (rows < 0 || dim <= 0) {
      throw new IllegalArgumentException("rows must be >= 0 and dim > 0, got rows=" + rows + " dim=" + dim);
    }
    this.segment = Arena.ofAuto().allocate(Math.max(2L, 2L * rows * dim), 64).asSlice(0, 2L * rows * dim);
    this.view = new MappedFactors(segment, rows, dim, precision);
  }

  @Override
  public void setRow(int r, float[] src, int srcOff) {
    int dim = view.dim();
    Objects.checkIndex(r, view.rows());
    Objects.checkFromIndexSize(srcOff, dim, src.length);
    long base = 2L * r * dim;
    for (int c = 0; c < dim; c++) {
      segment.set(I16, base + 2L * c, precision.encode16(src[srcOff + c]));
    }
  }

  /**
   * Fills every element from N(0, stddev^2), drawing in row-major order exactly as
   * {@link FactorMatrix#fillGaussian} does, so the same stream gives the rounded fp32 fill.
   */
  public void fillGaussian(SplittableRandom rng, float stddev) {
    float[] row = new float[view.dim()];
    for (int r = 0; r < view.rows(); r++) {
      for (int c = 0; c < row.length; c++) {
        row[c] = (float) (FactorMatrix.nextGaussian(rng) * stddev);
      }
      setRow(r, row, 0);
    }
  }

  @Override
  public int rows() {
    return view.rows();
  }

  @Override
  public int dim() {
    return view.dim();
  }

  @Override
  public FactorPrecision precision() {
    return precision;
  }

  @Override
  public void copyRow(int r, float[] dst, int dstOff) {
    view.copyRow(r, dst, dstOff);
  }

  @Override
  public float dot(int r, float[] x, int xo) {
    return view.dot(r, x, xo);
  }

  @Override
  public void scoreRows(int from, int count, float[] x, int xo, float[] out, int oo) {
    view.scoreRows(from, count, x, xo, out, oo);
  }

  @Override
  public int firstNonFiniteRow() {
    return view.firstNonFiniteRow();
  }

  @Override
  public FactorMatrix toHeap() {
    return view.toHeap();
  }
}
