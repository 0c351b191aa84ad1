package dev.kindred.math;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A read-only {@code rows x dim} factor table in a {@link MemorySegment}, typically a page-aligned
 * section of a memory-mapped model file: opening costs no heap and no copy, and the operating
 * system pages rows in as scoring touches them.
 *
 * <p>Layout invariants (checked in the constructor):
 * <ol>
 *   <li>Rows are contiguous and row-major: element {@code (r, c)} is at byte
 *       {@code (r * dim + c) * precision.bytes()}.
 *   <li>Elements are little-endian in {@code precision}; the segment holds exactly
 *       {@code rows * dim * precision.bytes()} bytes, which may exceed 2 GiB.
 * </ol>
 * Reads widen to fp32 through {@link SegmentScoring}'s kernels. The segment must stay alive (its
 * arena open) while the store is used; a mapping from an automatic arena lives as long as the
 * segment is reachable. Thread-safe: nothing is ever written.
 */
public final class MappedFactors implements FactorStore {

  private final MemorySegment segment;
  private final int rows;
  private final int dim;
  private final FactorPrecision precision;
  private final long rowBytes;

  public MappedFactors(MemorySegment segment, int rows, int dim, FactorPrecision precision) {
    this.segment = Objects.requireNonNull(segment, "segment");
    this.precision = Objects.requireNonNull(precision, "precision");
    if (rows < 0 || dim <= 0) {
      throw new IllegalArgumentException("rows must be >= 0 and dim > 0, got rows=" + rows + " dim=" + dim);
    }
    this.rows = rows;
    this.dim = dim;
    this.rowBytes = (long) dim * precision.bytes();
    if (segment.byteSize() != rows * rowBytes) {
      throw new IllegalArgumentException(rows + " x " + dim + " " + precision.label() + " factors need "
          + rows * rowBytes + " bytes, the segment holds " + segment.byteSize());
    }
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public FactorPrecision precision() {
    return precision;
  }

  /** The backing segment (read-only use). */
  public MemorySegment segment() {
    return segment;
  }

  @Override
  public void copyRow(int r, float[] dst, int dstOff) {
    Objects.checkIndex(r, rows);
    Objects.checkFromIndexSize(dstOff, dim, dst.length);
    SegmentScoring.kernels().widen(segment, r * rowBytes, precision, dst, dstOff, dim);
  }

  @Override
  public float dot(int r, float[] x, int xo) {
    Objects.checkIndex(r, rows);
    Objects.checkFromIndexSize(xo, dim, x.length);
    return SegmentScoring.kernels().dot(segment, r * rowBytes, precision, x, xo, dim);
  }

  @Override
  public void scoreRows(int from, int count, float[] x, int xo, float[] out, int oo) {
    Objects.checkFromIndexSize(from, count, rows);
    Objects.checkFromIndexSize(xo, dim, x.length);
    Objects.checkFromIndexSize(oo, count, out.length);
    SegmentScoring.kernels().gemv(segment, from * rowBytes, precision, count, dim, x, xo, out, oo);
  }

  @Override
  public int firstNonFiniteRow() {
    // Rows in chunks of ~1M elements: int-indexed kernel loops, each short enough not to delay a safepoint.
    int chunkRows = Math.max(1, (1 << 20) / dim);
    SegmentKernels kern = SegmentScoring.kernels();
    for (int from = 0; from < rows; from += chunkRows) {
      int n = Math.min(chunkRows, rows - from);
      long j = kern.firstNonFinite(segment, from * rowBytes, precision, (long) n * dim);
      if (j >= 0) return from + (int) (j / dim);
    }
    return -1;
  }

  /** An on-heap fp32 copy ({@code rows * dim * 4} bytes of heap). */
  @Override
  public FactorMatrix toHeap() {
    FactorMatrix m = new FactorMatrix(rows, dim);
    float[] row = new float[dim];
    for (int r = 0; r < rows; r++) {
      copyRow(r, row, 0);
      m.setRow(r, row, 0);
    }
    return m;
  }
}
