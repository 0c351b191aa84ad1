package dev.kindred.math;

/**
 * Read access to a {@code rows x dim} table of factors, whatever holds it: the on-heap
 * {@link FactorMatrix} that trainers write, or the memory-mapped {@link MappedFactors} of a model
 * file (fp32, bf16 or fp16). Scoring reads factors only through these calls, so it runs unchanged
 * on either; every result is computed in fp32.
 *
 * <p>Implementations are safe for concurrent readers.
 */
public interface FactorStore {

  int rows();

  int dim();

  /** How elements are stored. */
  FactorPrecision precision();

  /** Row {@code r}, widened to fp32, into {@code dst[dstOff .. dstOff + dim)}. */
  void copyRow(int r, float[] dst, int dstOff);

  /** A fresh fp32 copy of row {@code r}. */
  default float[] row(int r) {
    float[] out = new float[dim()];
    copyRow(r, out, 0);
    return out;
  }

  /** {@code row(r) . x[xo .. xo + dim)}, accumulated in fp32. */
  float dot(int r, float[] x, int xo);

  /** {@code out[oo + j] = row(from + j) . x[xo .. xo + dim)} for {@code j < count}. */
  void scoreRows(int from, int count, float[] x, int xo, float[] out, int oo);

  /** Index of the first row holding a NaN or infinity, or -1 when every element is finite. */
  int firstNonFiniteRow();

  /** True if every element is finite. */
  default boolean allFinite() {
    return firstNonFiniteRow() < 0;
  }

  /** The factors as an on-heap fp32 {@link FactorMatrix}: this store itself when it is one, else a copy. */
  FactorMatrix toHeap();

  /** Bytes the elements occupy. */
  default long byteSize() {
    return (long) rows() * dim() * precision().bytes();
  }
}
