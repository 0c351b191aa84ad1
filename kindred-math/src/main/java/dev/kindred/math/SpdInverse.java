package dev.kindred.math;

import dev.kindred.math.MatrixProduct.Operand;
import dev.kindred.math.MatrixProduct.Triangle;

/**
 * In-place inverse of a large dense symmetric positive definite matrix (row-major {@code float},
 * {@code n x n}) by block sweeps, blocked for cache and parallel over a pool made for the call.
 * Built for EASE ({@code (X^T X + lambda I)^-1} over a catalogue of up to a few tens of thousands of
 * items); the small ALS systems use {@link Cholesky}.
 *
 * <p>Algorithm: the sweep operator (Goodnight, "A tutorial on the SWEEP operator", The American
 * Statistician 33(3), 1979, doi:10.1080/00031305.1979.10482685), a symmetric Gauss-Jordan
 * elimination, applied one block {@code K} of {@code BLOCK} pivots at a time. With {@code M} the
 * current matrix ({@code M = A} at the start) and {@code D = M_KK^-1}, one sweep sets
 * <pre>{@code
 *   M_ij <- M_ij - M_iK D M_Kj    (i, j outside K)
 *   M_Kj <- D M_Kj,  M_iK <- M_iK D,  M_KK <- -D
 * }</pre>
 * and after every block has been swept {@code M = -A^-1}; the sign is flipped while the upper
 * triangle is mirrored into the lower. Every {@code M} stays symmetric, so only its upper triangle
 * is kept. Each pivot block {@code M_KK} is the Schur complement of the blocks swept so far, so it is
 * positive definite exactly when {@code A} is; it is inverted by the same sweep, one pivot at a time.
 *
 * <p>Where the flops go (with {@code b = BLOCK}): per block, {@code R = M_K.} ({@code b x n}, read
 * through symmetry) and {@code T = D R} ({@code 2 b^2 n} flops) are formed in scratch, then the
 * rank-{@code b} update {@code M_ij -= (R^T T)_ij} of the upper triangle outside {@code K}
 * ({@code b n^2} flops) runs as three {@link MatrixProduct} calls with {@code k = b}, the shape the
 * packed micro-kernel runs fastest. In all {@code n^3 + 2 b n^2} flops plus {@code 2 n b^2} for the pivot
 * blocks, which run on one thread; the Cholesky route of LAPACK ({@code SPOTRF}, {@code STRTRI},
 * {@code SLAUUM}) also costs {@code n^3} but spends an {@code O(b n^2)} share in triangular solves
 * outside the product, and needs three passes with a different shape each. The readable version is
 * {@code SpdInverseTest.referenceInverse} (Cholesky in double); the two agree to the tolerance
 * stated there. Speed: {@code SpdInverseBenchmark} (JMH), figures in docs/benchmarks.md.
 *
 * <p>Why {@code float}: the matrix is inverted in place, so {@code n = 20,000} needs 1.6 GB instead
 * of 3.2 GB, and the SIMD kernels run twice as many lanes. The cost is accuracy: the relative error
 * of the inverse grows like {@code sqrt(n) * eps_float * cond(A)}. For EASE, {@code A = X^T X +
 * lambda I} has {@code cond(A) <= 1 + lambda_max(X^T X) / lambda}, about 10-100 at the usual
 * {@code lambda} of a few hundred, which keeps every entry within 1e-4 of the largest one (the
 * tests' tolerance against double), far below the score gaps that decide a ranking. Badly
 * conditioned inputs should be inverted in double elsewhere.
 *
 * <p>Memory: the input array plus {@link #scratchBytes} ({@code 2 BLOCK n} floats for {@code R} and
 * {@code T} and the product's packing buffers). Thread safety: each call owns its array; calls on
 * different arrays may run at once.
 */
public final class SpdInverse {

  /** Pivots per sweep: the {@code k} of every product, equal to the product's {@code kc} so one pass packs it. */
  static final int BLOCK = MatrixProduct.KC;
  /** The largest order whose {@code n * n} entries fit in one Java array. */
  public static final int MAX_ORDER = 46_340;

  private final float[] a;
  private final int n;
  private final int block;
  private final float[] r;
  private final float[] t;
  private final float[] pivot;
  private final float[] pivotRow;
  private final Kernels kern = VectorOps.kernels();

  private SpdInverse(float[] a, int n, int block) {
    this.a = a;
    this.n = n;
    this.block = Math.min(block, n);
    this.r = new float[Math.multiplyExact(this.block, n)];
    this.t = new float[this.block * n];
    this.pivot = new float[this.block * this.block];
    this.pivotRow = new float[this.block];
  }

  /**
   * Bytes {@link #invert(float[], int, int)} allocates besides the matrix itself: {@code R} and
   * {@code T} ({@code 2 BLOCK n} floats), the pivot block and the packing buffers of
   * {@link MatrixProduct}.
   */
  public static long scratchBytes(int n, int threads) {
    long b = Math.min(BLOCK, n);
    return 4L * (2 * b * n + b * (b + 1) + MatrixProduct.scratchFloats(threads, n));
  }

  /**
   * The largest order {@code n} whose matrix ({@code 4 n^2} bytes) plus {@link #scratchBytes} and
   * {@code extraBytesPerOrder * n} more fit in {@code bytes}, at most {@link #MAX_ORDER}; 0 if none.
   */
  public static int largestOrder(long bytes, int threads, long extraBytesPerOrder) {
    int lo = 0;
    int hi = MAX_ORDER;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      long need = 4L * mid * mid + scratchBytes(mid, threads) + extraBytesPerOrder * mid;
      if (need <= bytes) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Replaces {@code a} (row-major {@code n x n} at offset 0, upper triangle read) by its inverse,
   * both triangles written.
   *
   * @param threads worker threads of the pool created (and closed) for this call
   * @throws IllegalArgumentException if the shapes are wrong or the matrix is not positive definite
   *     (a pivot was not positive and finite; the message names it)
   */
  public static void invert(float[] a, int n, int threads) {
    invert(a, n, threads, BLOCK);
  }

  /** As {@link #invert(float[], int, int)} with a chosen block size (tests use tiny ones). */
  static void invert(float[] a, int n, int threads, int block) {
    if (n < 0 || n > MAX_ORDER) {
      throw new IllegalArgumentException("order must be in [0, " + MAX_ORDER + "], got " + n);
    }
    if (a.length < n * n) {
      throw new IllegalArgumentException("array of length " + a.length + " is smaller than " + n + " x " + n);
    }
    if (threads <= 0 || block <= 0) {
      throw new IllegalArgumentException("threads and block must be positive, got " + threads + ", " + block);
    }
    if (n == 0) return;
    SpdInverse s = new SpdInverse(a, n, block);
    try (WorkerPool pool = WorkerPool.create(threads, "kindred-spd-inverse")) {
      MatrixProduct product = new MatrixProduct(pool);
      for (int k0 = 0; k0 < n; k0 += s.block) s.sweep(product, k0, Math.min(n, k0 + s.block));
      s.mirrorNegatedUpper(pool);
    }
  }

  /** One block sweep over pivots {@code [k0, k1)}. */
  private void sweep(MatrixProduct product, int k0, int k1) {
    int b = k1 - k0;
    gatherBlockRow(k0, k1);
    invertPivotBlock(k0, b);
    // T = D R, with D (both triangles, in float) staged in the matrix's own K x K block, which
    // is rewritten below.
    for (int p = 0; p < b; p++) {
      for (int q = 0; q < b; q++) a[(k0 + p) * n + k0 + q] = -pivot[p * b + q];
    }
    java.util.Arrays.fill(t, 0, b * n, 0f);
    product.multiplyAdd(b, n, b, 1f, Operand.of(a, k0 * n + k0, n), Operand.of(r, 0, n), t, 0, n, Triangle.FULL);
    // M_ij -= sum_p R[p][i] T[p][j] for i <= j, both outside K: rows above K (left of K and right
    // of K), then rows below K.
    Operand rt = new Operand(r, 0, n, true, Triangle.FULL);
    product.multiplyAdd(k0, k0, b, -1f, rt, Operand.of(t, 0, n), a, 0, n, Triangle.UPPER);
    product.multiplyAdd(k0, n - k1, b, -1f, rt, Operand.of(t, k1, n), a, k1, n, Triangle.FULL);
    product.multiplyAdd(n - k1, n - k1, b, -1f, new Operand(r, k1, n, true, Triangle.FULL), Operand.of(t, k1, n), a,
        k1 * n + k1, n, Triangle.UPPER);
    // M_Kj <- T[.][j] right of K, M_iK <- T[.][i]^T left of K, M_KK <- -D.
    for (int p = 0; p < b; p++) {
      System.arraycopy(t, p * n + k1, a, (k0 + p) * n + k1, n - k1);
      System.arraycopy(pivot, p * b + p, a, (k0 + p) * n + k0 + p, b - p);
    }
    for (int i = 0; i < k0; i++) {
      int row = i * n + k0;
      for (int p = 0; p < b; p++) a[row + p] = t[p * n + i];
    }
  }

  /** {@code R[p][j] = M[k0 + p][j]} for every column, read from the upper triangle. */
  private void gatherBlockRow(int k0, int k1) {
    int b = k1 - k0;
    for (int j = 0; j < k0; j++) {
      int row = j * n + k0;
      for (int p = 0; p < b; p++) r[p * n + j] = a[row + p];
    }
    for (int p = 0; p < b; p++) {
      int i = k0 + p;
      for (int q = 0; q < p; q++) r[p * n + k0 + q] = a[(k0 + q) * n + i];
      System.arraycopy(a, i * n + i, r, p * n + i, n - i);
    }
  }

  /**
   * {@code pivot = -M_KK^-1}, both triangles, by the same sweep one pivot at a time (about
   * {@code 2 b^3} flops, as {@link Kernels#axpy} row updates on the L2-resident block): sweeping
   * every pivot of {@code M_KK} leaves {@code -M_KK^-1}.
   *
   * @throws IllegalArgumentException naming the first pivot that is not positive and finite
   */
  private void invertPivotBlock(int k0, int b) {
    float[] m = pivot;
    float[] row = pivotRow;
    for (int p = 0; p < b; p++) {
      for (int q = p; q < b; q++) {
        float v = r[p * n + k0 + q];
        m[p * b + q] = v;
        m[q * b + p] = v;
      }
    }
    for (int p = 0; p < b; p++) {
      float d = m[p * b + p];
      if (!(d > 0f) || d == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("matrix is not positive definite: pivot " + (k0 + p) + " is " + d
            + " after elimination (add more to the diagonal)");
      }
      float inv = 1f / d;
      for (int j = 0; j < b; j++) row[j] = m[p * b + j] * inv;
      row[p] = 0f;
      // m_ij -= m_ip m_pj / d off the pivot's row and column; m_ip <- m_ip / d; m_pj <- m_pj / d; m_pp <- -1 / d.
      for (int i = 0; i < b; i++) {
        float f = m[i * b + p];
        if (i == p || f == 0f) continue;
        kern.axpy(-f, row, 0, m, i * b, b);
        m[i * b + p] = f * inv;
      }
      System.arraycopy(row, 0, m, p * b, b);
      m[p * b + p] = -inv;
    }
  }

  /** Copies {@code -(upper triangle)} into both triangles, in square tiles so both sides stay in cache. */
  private void mirrorNegatedUpper(WorkerPool pool) {
    final int s = 64;
    int strips = ceilDiv(n, s);
    pool.forEachShared(strips, (w, strip) -> {
      int r0 = strip * s;
      int r1 = Math.min(n, r0 + s);
      for (int i = r0; i < r1; i++) {
        int ri = i * n;
        // 0 - x rather than -x: exact zeros stay +0 instead of becoming -0.
        for (int j = i; j < n; j++) a[ri + j] = 0f - a[ri + j];
      }
    });
    pool.forEachShared(strips, (w, strip) -> {
      int r0 = strip * s;
      int r1 = Math.min(n, r0 + s);
      for (int c0 = 0; c0 <= r0; c0 += s) {
        int c1 = Math.min(n, c0 + s);
        for (int i = r0; i < r1; i++) {
          int ri = i * n;
          for (int j = c0; j < Math.min(c1, i); j++) a[ri + j] = a[j * n + i];
        }
      }
    });
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }
}
