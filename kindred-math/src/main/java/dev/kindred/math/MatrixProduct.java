package dev.kindred.math;

import java.util.Arrays;

/**
 * Blocked, multi-threaded {@code C += alpha * op(A) op(B)} on row-major {@code float} arrays (an
 * SGEMM in the style of Goto and van de Geijn, "Anatomy of high-performance matrix multiplication",
 * ACM TOMS 34(3), 2008, doi:10.1145/1356052.1356053), with triangle shortcuts (triangular operands,
 * an upper-triangular {@code C}). The building block of {@link SpdInverse}, whose sweeps update an
 * upper-triangular {@code C}.
 *
 * <p>Loops, outermost first (the paper's names; sizes from the constructor):
 * <ol>
 *   <li>{@code kc} steps along {@code k}: the {@code kc x n} panel of {@code op(B)} is packed into
 *       slivers ({@link ProductKernel} layout) once, by the pool's workers over column blocks, into
 *       one buffer that all of them then read, so B is packed once per call rather than once per
 *       task;
 *   <li>tasks: {@code mc}-row blocks of {@code C}, shared by the workers from one counter; each
 *       packs its {@code mc x kc} block of {@code alpha op(A)} once and writes only its own rows,
 *       so there are no locks;
 *   <li>{@code nc}-column blocks of the packed panel ({@code kc x nc}, 1 MB: L2);
 *   <li>A slivers ({@code MR x kc}, kept in L1 while the next loop runs) then B slivers
 *       ({@code kc x NR}, streamed from L2): one {@link ProductKernel} call per tile, so
 *       consecutive tiles of {@code C} lie side by side on the same {@code MR} rows.
 * </ol>
 * Packing is zero-padded and zero outside a declared triangle. With {@code k = kc} (the shape
 * {@link SpdInverse} uses) every element of A and B is packed once per call, {@code k (m + n)}
 * copies against {@code 2 m n k} flops.
 * Tiles on the edge of {@code C}, and tiles across the diagonal of an upper-triangular {@code C},
 * go through a scratch tile and are added entry by entry, so nothing outside the asked region is
 * written.
 *
 * <p>Triangles, stated on the operands as used ({@code op(A)} is {@code m x k}, {@code op(B)} is
 * {@code k x n}, {@code C} is {@code m x n}, all with indices from 0): an {@link Triangle#UPPER}
 * operand is zero below its diagonal (row > column), a {@link Triangle#LOWER} one above it. Entries
 * outside the triangle are never read (they may hold anything, NaN included), and the {@code k}
 * range of every tile is cut to where both operands can be non-zero, so a triangular product costs
 * about half the flops of a full one. An upper-triangular {@code C} gets only its entries with
 * column >= row updated.
 *
 * <p>Memory: {@code threads * (mc * kc + MR * NR)} floats of packing scratch, allocated once per
 * instance, and the shared B panel ({@code kc * n} floats), grown to the widest product asked
 * ({@link #scratchFloats}). Thread safety: one caller at a time (the instance owns its scratch and uses
 * the pool it was given).
 */
public final class MatrixProduct {

  /** Which part of an operand may be non-zero. */
  public enum Triangle {
    FULL,
    /** Zero where row > column. */
    UPPER,
    /** Zero where row < column. */
    LOWER
  }

  /**
   * One operand: element {@code (r, c)} of {@code op(X)} is {@code data[offset + r * ld + c]}, or
   * {@code data[offset + c * ld + r]} when {@code transposed}.
   */
  public record Operand(float[] data, int offset, int ld, boolean transposed, Triangle triangle) {
    public Operand {
      if (data == null || triangle == null) throw new IllegalArgumentException("data and triangle are required");
      if (offset < 0 || ld < 0) {
        throw new IllegalArgumentException("offset and ld must be >= 0, got " + offset + ", " + ld);
      }
    }

    /** A full, untransposed operand. */
    public static Operand of(float[] data, int offset, int ld) {
      return new Operand(data, offset, ld, false, Triangle.FULL);
    }

    public Operand transpose() {
      return new Operand(data, offset, ld, !transposed, triangle);
    }

    public Operand withTriangle(Triangle t) {
      return new Operand(data, offset, ld, transposed, t);
    }

    boolean zeroAt(int r, int c) {
      return triangle == Triangle.UPPER ? r > c : triangle == Triangle.LOWER && r < c;
    }

    /** Checks that the {@code rows x cols} view (of {@code op(X)}) lies inside {@code data}. */
    void check(String name, int rows, int cols) {
      int storedRows = transposed ? cols : rows;
      int storedCols = transposed ? rows : cols;
      if (rows == 0 || cols == 0) return;
      if (ld < storedCols) {
        throw new IllegalArgumentException(name + ": ld " + ld + " < " + storedCols + " stored columns");
      }
      long last = offset + (long) (storedRows - 1) * ld + storedCols - 1;
      if (last >= data.length) {
        throw new IllegalArgumentException(name + ": a " + storedRows + " x " + storedCols + " view at offset " + offset
            + " with ld " + ld + " ends at " + last + ", past the array's length " + data.length);
      }
    }
  }

  /**
   * Default block sizes for the 12 x 32 tile on AVX-512: a {@code kc x NR} B sliver is 32 KB (L1,
   * 48 KB), an {@code mc x kc} A block 144 KB and a {@code kc x nc} B block 1 MB (L2, 2 MB).
   * {@code kc = 256} halves the reads and writes of {@code C} per flop against 128.
   */
  static final int MC = 144;
  static final int KC = 256;
  static final int NC = 1024;

  private static final ProductKernel DEFAULT_KERNEL = VectorOps.isVectorized() ? new PanamaProductKernel()
      : new ScalarProductKernel(PanamaProductKernel.ROWS, PanamaProductKernel.COLS);

  private final WorkerPool pool;
  private final ProductKernel kernel;
  private final int mr;
  private final int nr;
  private final int mc;
  private final int kc;
  private final int nc;
  private final float[][] packA;
  private final float[][] tile;
  /** The packed {@code kc x n} panel of {@code op(B)}, shared by the workers; grown to the widest {@code n} asked. */
  private float[] packB = new float[0];

  /** With the kernel chosen for this JVM (Vector API when available) and the default block sizes. */
  public MatrixProduct(WorkerPool pool) {
    this(pool, DEFAULT_KERNEL, MC, KC, NC);
  }

  /** With a chosen kernel and block sizes ({@code mc}, {@code nc} are rounded up to whole tiles); tests use tiny ones. */
  MatrixProduct(WorkerPool pool, ProductKernel kernel, int mc, int kc, int nc) {
    if (mc <= 0 || kc <= 0 || nc <= 0) {
      throw new IllegalArgumentException("block sizes must be positive, got " + mc + ", " + kc + ", " + nc);
    }
    this.pool = pool;
    this.kernel = kernel;
    this.mr = kernel.rows();
    this.nr = kernel.cols();
    this.mc = ceilDiv(mc, mr) * mr;
    this.kc = kc;
    this.nc = ceilDiv(nc, nr) * nr;
    int t = pool.threads();
    packA = new float[t][this.mc * kc];
    tile = new float[t][mr * nr];
  }

  /** Floats of scratch an instance holds after products with up to {@code n} columns, for memory planning. */
  public static long scratchFloats(int threads, int n) {
    int nr = DEFAULT_KERNEL.cols();
    int mr = DEFAULT_KERNEL.rows();
    long mc = (long) ceilDiv(MC, mr) * mr;
    return threads * (mc * KC + (long) mr * nr) + (long) KC * ceilDiv(n, nr) * nr;
  }

  /** The kernel in use, for logs and benchmarks. */
  public static String kernelName() {
    return DEFAULT_KERNEL.getClass().getSimpleName() + " " + DEFAULT_KERNEL.rows() + "x" + DEFAULT_KERNEL.cols();
  }

  /**
   * {@code C[i][j] += alpha * sum_k op(A)(i, k) op(B)(k, j)} for {@code i < m}, {@code j < n}
   * (only {@code j >= i} if {@code cTriangle} is {@link Triangle#UPPER}), where {@code C[i][j]} is
   * {@code c[co + i * ldc + j]}.
   *
   * @throws IllegalArgumentException if a view does not fit its array, {@code C} is
   *     {@link Triangle#LOWER}, or a size is negative
   */
  public void multiplyAdd(int m, int n, int k, float alpha, Operand a, Operand b, float[] c, int co, int ldc,
      Triangle cTriangle) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("sizes must be >= 0, got m=" + m + " n=" + n + " k=" + k);
    }
    if (cTriangle == Triangle.LOWER) throw new IllegalArgumentException("C may be FULL or UPPER, not LOWER");
    a.check("A", m, k);
    b.check("B", k, n);
    Operand.of(c, co, ldc).check("C", m, n);
    if (m == 0 || n == 0 || k == 0) return;
    boolean upperC = cTriangle == Triangle.UPPER;
    long panel = (long) Math.min(k, kc) * ceilDiv(n, nr) * nr;
    if (packB.length < panel) packB = new float[Math.toIntExact(panel)];
    for (int p0 = 0; p0 < k; p0 += kc) {
      panelProduct(m, n, p0, Math.min(k, p0 + kc), alpha, a, b, c, co, ldc, upperC);
    }
  }

  /** The steps {@code [p0, p1)} of the product: one packed B panel, then the row blocks over it. */
  private void panelProduct(int m, int n, int p0, int p1, float alpha, Operand a, Operand b, float[] c, int co,
      int ldc, boolean upperC) {
    // op(B)[p0..p1) is packed once for all rows, by column blocks in parallel.
    pool.forEachShared(ceilDiv(n, nc), (w, jb) -> packB(b, jb * nc, Math.min(n, jb * nc + nc), p0, p1, packB));
    // Row blocks in order: under an upper C the first hold the most columns, so the uneven tasks
    // are taken largest first and the pool finishes together. Each packs its A block once.
    pool.forEachShared(ceilDiv(m, mc), (w, ib) -> {
      int i0 = ib * mc;
      int i1 = Math.min(m, i0 + mc);
      boolean packed = false;
      for (int j0 = upperC ? i0 / nc * nc : 0; j0 < n; j0 += nc) {
        int j1 = Math.min(n, j0 + nc);
        if (!mayBeNonZero(a, b, i0, i1, j0, j1, p0, p1)) continue;
        if (!packed) {
          packA(a, alpha, i0, i1, p0, p1, packA[w]);
          packed = true;
        }
        blockProduct(i0, i1, j0, j1, p0, p1, a, b, c, co, ldc, upperC, w);
      }
    });
  }

  /**
   * The micro-tiles of one packed block: A slivers outer (one stays in L1 while the B slivers of
   * the block stream from L2), B slivers inner, so consecutive tiles of {@code C} lie side by side
   * on the same rows, where the hardware prefetcher and the TLB follow them.
   */
  private void blockProduct(int i0, int i1, int j0, int j1, int p0, int p1, Operand a, Operand b, float[] c, int co,
      int ldc, boolean upperC, int w) {
    float[] ap = packA[w];
    float[] bp = packB;
    float[] t = tile[w];
    for (int ir = i0; ir < i1; ir += mr) {
      int iEnd = Math.min(i1, ir + mr);
      for (int jr = upperC ? Math.max(j0, j0 + (ir - j0) / nr * nr) : j0; jr < j1; jr += nr) {
        int jEnd = Math.min(j1, jr + nr);
        if (upperC && jEnd - 1 < ir) continue;
        int lo = p0;
        int hi = p1;
        if (a.triangle() == Triangle.UPPER) lo = Math.max(lo, ir);
        if (a.triangle() == Triangle.LOWER) hi = Math.min(hi, iEnd);
        if (b.triangle() == Triangle.LOWER) lo = Math.max(lo, jr);
        if (b.triangle() == Triangle.UPPER) hi = Math.min(hi, jEnd);
        if (lo >= hi) continue;
        int aOff = (ir - i0) * (p1 - p0) + (lo - p0) * mr;
        int bOff = jr * (p1 - p0) + (lo - p0) * nr;
        boolean whole = iEnd - ir == mr && jEnd - jr == nr && !(upperC && ir + mr - 1 > jr);
        if (whole) {
          kernel.multiplyAdd(hi - lo, ap, aOff, bp, bOff, c, co + ir * ldc + jr, ldc);
        } else {
          Arrays.fill(t, 0f);
          kernel.multiplyAdd(hi - lo, ap, aOff, bp, bOff, t, 0, nr);
          for (int i = ir; i < iEnd; i++) {
            for (int j = upperC ? Math.max(i, jr) : jr; j < jEnd; j++) c[co + i * ldc + j] += t[(i - ir) * nr + j - jr];
          }
        }
      }
    }
  }

  /** False when a triangle makes the whole block {@code [i0,i1) x [p0,p1) x [j0,j1)} zero. */
  private static boolean mayBeNonZero(Operand a, Operand b, int i0, int i1, int j0, int j1, int p0, int p1) {
    if (a.triangle() == Triangle.UPPER && p1 <= i0) return false;
    if (a.triangle() == Triangle.LOWER && p0 >= i1) return false;
    if (b.triangle() == Triangle.UPPER && p0 >= j1) return false;
    return !(b.triangle() == Triangle.LOWER && p1 <= j0);
  }

  /** {@code alpha op(A)[i0..i1)[p0..p1)} as A slivers of {@code mr} rows, zero-padded. */
  private void packA(Operand a, float alpha, int i0, int i1, int p0, int p1, float[] ap) {
    int kLen = p1 - p0;
    float[] d = a.data();
    int ld = a.ld();
    for (int ir = i0; ir < i1; ir += mr) {
      int base = (ir - i0) * kLen - p0 * mr;
      int rows = Math.min(mr, i1 - ir);
      if (rows < mr || a.triangle() != Triangle.FULL) Arrays.fill(ap, base + p0 * mr, base + p1 * mr, 0f);
      if (a.transposed() && a.triangle() == Triangle.FULL) {
        // op(A)(i, p) = d[off + p * ld + i]: step p of the sliver is one contiguous piece.
        for (int p = p0; p < p1; p++) {
          int src = a.offset() + p * ld + ir;
          int dst = base + p * mr;
          for (int r = 0; r < rows; r++) ap[dst + r] = alpha * d[src + r];
        }
        continue;
      }
      for (int r = 0; r < rows; r++) {
        int i = ir + r;
        // The non-zero steps of row i: p >= i under UPPER, p <= i under LOWER.
        int lo = a.triangle() == Triangle.UPPER ? Math.max(p0, i) : p0;
        int hi = a.triangle() == Triangle.LOWER ? Math.min(p1, i + 1) : p1;
        int dst = base + r;
        if (a.transposed()) {
          for (int p = lo, src = a.offset() + lo * ld + i; p < hi; p++, src += ld) ap[dst + p * mr] = alpha * d[src];
        } else {
          for (int p = lo, src = a.offset() + i * ld + lo; p < hi; p++, src++) ap[dst + p * mr] = alpha * d[src];
        }
      }
    }
  }

  /**
   * {@code op(B)[p0..p1)[j0..j1)} as B slivers of {@code nr} columns, zero-padded, the sliver of
   * column {@code jr} at {@code jr * (p1 - p0)} ({@code j0} is a whole number of slivers).
   */
  private void packB(Operand b, int j0, int j1, int p0, int p1, float[] bp) {
    int kLen = p1 - p0;
    float[] d = b.data();
    int ld = b.ld();
    Triangle t = b.triangle();
    for (int jr = j0; jr < j1; jr += nr) {
      int base = jr * kLen - p0 * nr;
      int width = Math.min(nr, j1 - jr);
      if (b.transposed()) {
        // op(B)(p, j) = d[off + j * ld + p]: column j reads its non-zero steps contiguously.
        Arrays.fill(bp, base + p0 * nr, base + p1 * nr, 0f);
        for (int j = 0; j < width; j++) {
          int col = jr + j;
          int lo = t == Triangle.LOWER ? Math.max(p0, col) : p0;
          int hi = t == Triangle.UPPER ? Math.min(p1, col + 1) : p1;
          for (int p = lo, src = b.offset() + col * ld + lo; p < hi; p++, src++) bp[base + p * nr + j] = d[src];
        }
      } else {
        // op(B)(p, j) = d[off + p * ld + j]: step p copies its non-zero columns in one piece.
        for (int p = p0; p < p1; p++) {
          int row = base + p * nr;
          int lo = t == Triangle.UPPER ? Math.max(jr, p) : jr;
          int hi = t == Triangle.LOWER ? Math.min(jr + width, p + 1) : jr + width;
          if (hi <= lo) {
            Arrays.fill(bp, row, row + nr, 0f);
            continue;
          }
          Arrays.fill(bp, row, row + lo - jr, 0f);
          System.arraycopy(d, b.offset() + p * ld + lo, bp, row + lo - jr, hi - lo);
          Arrays.fill(bp, row + hi - jr, row + nr, 0f);
        }
      }
    }
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }
}
