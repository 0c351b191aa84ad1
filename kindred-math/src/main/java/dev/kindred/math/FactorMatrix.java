package dev.kindred.math;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Dense row-major float matrix of {@code rows x dim} factors: the one storage type for user and
 * item embeddings.
 *
 * <p>Layout invariants (checked in the constructor):
 * <ol>
 *   <li>Rows are stored contiguously, row {@code r} at {@code page(r)[offset(r) .. offset(r)+dim)}.
 *   <li>Rows are grouped in pages of {@code 2^pageShift} rows; a page is one {@code float[]} of at
 *       most {@link #MAX_PAGE_FLOATS} floats, so the total may exceed {@code 2^31} floats.
 *   <li>Every page but the last holds exactly {@code 2^pageShift} rows.
 * </ol>
 * Algorithms reach the floats through {@link #page(int)} and {@link #offset(int)} so that kernels
 * run on plain arrays. Scoring code that must also read a memory-mapped model file reads through
 * {@link FactorStore} instead, which {@link MappedFactors} implements as well.
 *
 * <p>Not thread-safe for concurrent writes to the same row; disjoint rows may be written by
 * different threads.
 */
public final class FactorMatrix implements WritableFactorStore {

  /** Largest page: 2^30 floats (4 GiB), well under the JVM array limit. */
  public static final int MAX_PAGE_FLOATS = 1 << 30;

  private final int rows;
  private final int dim;
  private final int pageShift;
  private final int pageMask;
  private final float[][] pages;

  public FactorMatrix(int rows, int dim) {
    if (rows < 0 || dim <= 0) {
      throw new IllegalArgumentException("rows must be >= 0 and dim > 0, got rows=" + rows + " dim=" + dim);
    }
    this.rows = rows;
    this.dim = dim;
    int shift = 30;
    while (shift > 0 && ((long) dim << shift) > MAX_PAGE_FLOATS) {
      shift--;
    }
    if (((long) dim << shift) > MAX_PAGE_FLOATS) {
      throw new IllegalArgumentException("dim too large for one page: " + dim);
    }
    this.pageShift = shift;
    this.pageMask = (1 << shift) - 1;
    int rowsPerPage = 1 << shift;
    int nPages = Math.max(1, (int) (((long) rows + rowsPerPage - 1) >>> shift));
    this.pages = new float[nPages][];
    for (int p = 0; p < nPages; p++) {
      long first = (long) p << shift;
      int pageRows = (int) Math.min(rowsPerPage, rows - first);
      pages[p] = new float[Math.max(0, pageRows) * dim];
    }
    checkInvariants();
  }

  private void checkInvariants() {
    long total = 0;
    for (int p = 0; p < pages.length; p++) {
      if (pages[p].length % dim != 0) {
        throw new IllegalStateException("page " + p + " is not a whole number of rows");
      }
      if (p < pages.length - 1 && pages[p].length != (dim << pageShift)) {
        throw new IllegalStateException("page " + p + " is not full");
      }
      total += pages[p].length / dim;
    }
    if (total != rows) {
      throw new IllegalStateException("pages hold " + total + " rows, expected " + rows);
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

  /** Number of floats stored ({@code rows * dim}), which may exceed {@code Integer.MAX_VALUE}. */
  public long size() {
    return (long) rows * dim;
  }

  /** The array that holds row {@code r}. */
  public float[] page(int r) {
    return pages[r >>> pageShift];
  }

  /** Offset of row {@code r} inside {@link #page(int)}. */
  public int offset(int r) {
    return (r & pageMask) * dim;
  }

  /** True when all rows live in one array, so {@code page(0)} with stride {@code dim} covers all. */
  public boolean isSinglePage() {
    return pages.length == 1;
  }

  public float get(int r, int c) {
    checkIndex(r, c);
    return page(r)[offset(r) + c];
  }

  public void set(int r, int c, float v) {
    checkIndex(r, c);
    page(r)[offset(r) + c] = v;
  }

  /** Copies row {@code r} into {@code dst[dstOff ..]}. */
  @Override
  public void copyRow(int r, float[] dst, int dstOff) {
    System.arraycopy(page(r), offset(r), dst, dstOff, dim);
  }

  /** A fresh copy of row {@code r}. */
  @Override
  public float[] row(int r) {
    float[] out = new float[dim];
    copyRow(r, out, 0);
    return out;
  }

  /** Overwrites row {@code r} with {@code src[srcOff .. srcOff+dim)}. */
  @Override
  public void setRow(int r, float[] src, int srcOff) {
    System.arraycopy(src, srcOff, page(r), offset(r), dim);
  }

  /** Fills every entry uniformly from {@code [0, scale)}, one random stream per matrix. */
  public void fillUniform(SplittableRandom rng, float scale) {
    for (float[] page : pages) {
      for (int j = 0; j < page.length; j++) {
        page[j] = (float) rng.nextDouble() * scale;
      }
    }
  }

  /** Fills every entry from a normal distribution with the given standard deviation. */
  public void fillGaussian(SplittableRandom rng, float stddev) {
    for (float[] page : pages) {
      for (int j = 0; j < page.length; j++) {
        page[j] = (float) (nextGaussian(rng) * stddev);
      }
    }
  }

  static double nextGaussian(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** True if every entry is finite. */
  @Override
  public boolean allFinite() {
    return firstNonFiniteRow() < 0;
  }

  @Override
  public int firstNonFiniteRow() {
    for (int p = 0; p < pages.length; p++) {
      float[] page = pages[p];
      for (int j = 0; j < page.length; j++) {
        if (!Float.isFinite(page[j])) {
          return (int) (((long) p << pageShift) + j / dim);
        }
      }
    }
    return -1;
  }

  @Override
  public FactorPrecision precision() {
    return FactorPrecision.FP32;
  }

  @Override
  public float dot(int r, float[] x, int xo) {
    return VectorOps.kernels().dot(page(r), offset(r), x, xo, dim);
  }

  /** Scores rows {@code [from, from + count)} with one gemv per page they span. */
  @Override
  public void scoreRows(int from, int count, float[] x, int xo, float[] out, int oo) {
    Kernels kern = VectorOps.kernels();
    int j = 0;
    while (j < count) {
      int row = from + j;
      float[] page = page(row);
      int pageOff = offset(row);
      int rowsInPage = Math.min(count - j, (page.length - pageOff) / dim);
      kern.gemv(page, pageOff, rowsInPage, dim, x, xo, out, oo + j);
      j += rowsInPage;
    }
  }

  /** This matrix itself. */
  @Override
  public FactorMatrix toHeap() {
    return this;
  }

  /** Number of pages; page {@code p} holds rows {@code [p << pageShift, ...)}. */
  public int pageCount() {
    return pages.length;
  }

  /** Direct access to page {@code p} for bulk I/O. */
  public float[] pageArray(int p) {
    return pages[p];
  }

  public FactorMatrix copy() {
    FactorMatrix c = new FactorMatrix(rows, dim);
    for (int p = 0; p < pages.length; p++) {
      System.arraycopy(pages[p], 0, c.pages[p], 0, pages[p].length);
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FactorMatrix f && f.rows == rows && f.dim == dim && Arrays.deepEquals(f.pages, pages);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + dim) + Arrays.deepHashCode(pages);
  }

  private void checkIndex(int r, int c) {
    if (r < 0 || r >= rows || c < 0 || c >= dim) {
      throw new IndexOutOfBoundsException("(" + r + ", " + c + ") outside " + rows + " x " + dim);
    }
  }
}
